// A warning before the idle timeout of a staff session (templates/staff/base.html).
// The server ends a session after data-seconds without a request. This shows the
// dialog data-warn-seconds before that; "Stay logged in" posts to the keep-alive
// address (the CSRF token is in the dialog's form), which pushes the expiry on,
// and the count starts again. When the time is out the dialog says so: what the
// person typed is kept by the server when they save (core/kept_forms.py).
(function () {
  "use strict";

  var dialog = document.getElementById("vern-session-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var seconds = parseInt(dialog.dataset.seconds, 10);
  var warnSeconds = parseInt(dialog.dataset.warnSeconds, 10);
  if (!(seconds > 0)) return;
  var form = dialog.querySelector("form");
  var timers = [];

  function show(state) {
    dialog.querySelectorAll("[data-when]").forEach(function (element) {
      element.hidden = element.dataset.when !== state;
    });
    if (!dialog.open) dialog.showModal();
  }

  function start() {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(function () { show("warning"); }, Math.max(0, seconds - warnSeconds) * 1000),
      setTimeout(function () { show("ended"); }, seconds * 1000),
    ];
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    }).then(function (response) {
      if (response.status === 204) {
        dialog.close();
        start();
      } else {
        show("ended");
      }
    }, function () {
      show("ended");
    });
  });

  dialog.querySelector("[data-close]").addEventListener("click", function () {
    dialog.close();
  });

  start();
})();
