// Keep the import button from being pressed twice while the import page loads (the
// page then streams its own progress). Without JavaScript the form works the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-vern-import]");
  if (!form) return;
  form.addEventListener("submit", function () {
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
