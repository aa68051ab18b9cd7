// The error summary of a form that failed (templates/includes/error_summary.html).
// On page load, focus moves to the summary so screen readers read it first;
// a link in it moves focus to its field (opening a closed <details> around it)
// and scrolls the field's label into view, not only the field.
(function () {
  "use strict";

  function labelOf(field) {
    var label = field.id ? document.querySelector('label[for="' + CSS.escape(field.id) + '"]') : null;
    if (label) return label;
    var fieldset = field.closest("fieldset");
    return fieldset ? fieldset.querySelector("legend") || field : field;
  }

  function openAround(element) {
    for (var details = element.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-vern-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) return;
    event.preventDefault();
    openAround(field);
    labelOf(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-vern-error-summary]");
    if (!summary) return;
    openAround(summary);
    summary.focus();
  });
})();
