// After a refused form, take the user to what needs correcting: the summary of errors at the top
// of the form when there is one (focused, so a screen reader reads it and a phone shows it),
// else the first field marked invalid (the record page's consent or status form).
// Each link of the summary moves the focus to its field, not only the scroll position.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    var invalid = document.querySelector("main .is-invalid");
    if (invalid) {
      var details = invalid.closest("details");
      if (details) {
        details.open = true;
      }
      invalid.focus();
    }
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // The label sits above the field: show both, then type straight away.
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();
