// The import runs in one transaction on the server. While the request runs, show a
// progress bar (indeterminate: the server reports nothing until it is done) and keep
// the button from being pressed twice. Without JavaScript the form works the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-vern-import]");
  if (!form) return;
  form.addEventListener("submit", function () {
    var progress = form.querySelector("[data-vern-import-progress]");
    if (progress) progress.hidden = false;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
