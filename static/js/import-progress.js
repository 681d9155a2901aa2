// Follows a running import: polls its status every second, moves the progress bar,
// and reloads the page once the job leaves the running states (to show the preview or the result).
// When no worker takes the job up, the status carries a notice saying so, shown above the bar's help.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-role=label]");
  var count = box.querySelector("[data-role=count]");
  var notice = box.querySelector("[data-role=worker-notice]");
  var url = box.getAttribute("data-status-url");
  // Latin digits in every language, as the server writes them.
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { numberingSystem: "latn" });

  function show(job) {
    label.textContent = job.label;
    // The server decides when a job has waited too long for a worker (a minute, queued).
    notice.textContent = job.worker_notice || "";
    notice.hidden = !job.worker_notice;
    if (!job.total) {
      // The worker has not read the file yet: no total, so an indeterminate bar (no value).
      bar.removeAttribute("value");
      count.textContent = "";
      return;
    }
    bar.max = job.total;
    bar.value = Math.min(job.processed, job.total);
    count.textContent = numbers.format(job.processed) + " / " + numbers.format(job.total);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        if (!job.running) {
          window.location.reload();
          return;
        }
        show(job);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // A network hiccup or an expired session: try again a little later.
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
