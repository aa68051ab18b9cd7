// Fills a form with what the person typed before their session ended
// (core/kept_forms.py hands it to the page once, after they log in again).
// The form chosen is the one on the page with the most of the kept field
// names whose hidden "action" (if any) matches; nothing is submitted.
(function () {
  "use strict";

  var source = document.getElementById("vern-kept-form");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var names = Object.keys(data);

  function fieldsOf(form, name) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name === name;
    });
  }

  function score(form) {
    var action = form.querySelector("input[type=hidden][name=action]");
    if (action && (data.action || [])[0] !== action.value) return 0;
    return names.filter(function (name) { return fieldsOf(form, name).length > 0; }).length;
  }

  var forms = Array.prototype.filter.call(document.querySelectorAll("main form"), function (form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post";
  });
  var best = null;
  var bestScore = 0;
  forms.forEach(function (form) {
    var value = score(form);
    if (value > bestScore) { best = form; bestScore = value; }
  });
  if (!best) return;

  Array.prototype.forEach.call(best.elements, function (element) {
    if (!element.name || element.name === "csrfmiddlewaretoken") return;
    var values = data[element.name] || [];
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.indexOf(element.value) !== -1;
    } else if (element.tagName === "SELECT" && element.multiple) {
      Array.prototype.forEach.call(element.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    } else if (element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.tagName === "SELECT") {
      if (element.type === "submit" || element.type === "button" || element.type === "file") return;
      if (!(element.name in data)) return;
      var same = fieldsOf(best, element.name);
      element.value = values[same.indexOf(element)] || "";
    }
  });

  for (var details = best.closest("details"); details; details = details.parentElement.closest("details")) {
    details.open = true;
  }
  var notice = document.getElementById("vern-kept-form-notice");
  if (notice) {
    notice.hidden = false;
    notice.focus();
  }
})();
