// The ceremony pages' two small helpers, without inline script (the CSP allows none):
// - a "select all" box ticks or unticks every project box of its form ([data-select-all]);
// - a "copy" button copies the press summary's text ([data-copy-target] names the textarea) and
//   says so in its status line ([data-copy-status]); where the clipboard is refused, the text is
//   selected so that Ctrl+C copies it.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var form = all.closest("form");
    var boxes = form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']");
    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  });
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var text = document.getElementById(button.dataset.copyTarget);
    var status = document.querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      text.focus();
      text.select();
      var done = function () {
        if (status) {
          status.textContent = status.dataset.copied;
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });
})();
