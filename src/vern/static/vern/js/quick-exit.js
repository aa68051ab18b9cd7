/*
 * Quick exit, after GOV.UK Frontend's "Exit this page" component.
 * The control is a real link, so it works without this script. With it:
 *  - activating any [data-vern-exit] link hides the page at once and leaves
 *    with location.replace, so the page left adds no history entry;
 *  - pressing Shift three times within 5 seconds does the same, and each
 *    press is announced to screen readers.
 */
(function () {
  "use strict";
  var region = document.querySelector("[data-vern-exit-region]");
  var link = document.querySelector("a.vern-exit-button[data-vern-exit]");
  if (!region || !link) { return; }
  var status = region.querySelector("[data-vern-exit-status]");
  var overlay = document.querySelector("[data-vern-exit-overlay]");
  var presses = 0;
  var timer = null;
  var TIMEOUT_MS = 5000;

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function leave(url) {
    document.documentElement.classList.add("vern-exiting");
    if (overlay) { overlay.hidden = false; }
    announce(region.getAttribute("data-msg-leaving") || "");
    window.location.replace(url);
  }

  function resetPresses(expired) {
    presses = 0;
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (expired) { announce(region.getAttribute("data-msg-expired") || ""); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a[data-vern-exit]") : null;
    if (!target) { return; }
    event.preventDefault();
    leave(target.href);
  });

  document.addEventListener("keyup", function (event) {
    // Only a lone Shift counts; Shift used for typing capitals does not.
    if (event.key !== "Shift" || event.repeat) {
      if (event.key !== "Shift") { resetPresses(false); }
      return;
    }
    presses += 1;
    if (presses === 1) {
      announce(region.getAttribute("data-msg-press-two") || "");
      timer = window.setTimeout(function () { resetPresses(true); }, TIMEOUT_MS);
    } else if (presses === 2) {
      announce(region.getAttribute("data-msg-press-one") || "");
    } else if (presses >= 3) {
      resetPresses(false);
      leave(link.href);
    }
  });

  // Coming back through the back/forward cache must not show a blank page.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.classList.remove("vern-exiting");
      if (overlay) { overlay.hidden = true; }
      resetPresses(false);
    }
  });
})();
