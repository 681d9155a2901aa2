// Draws the dashboard's charts from the JSON the page carries (#dashboard-charts), right to left
// in Arabic, numbers written the page's way; and prints the page. No inline script: the CSP
// allows only files, so the data travels as JSON and every handler is attached here.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  var language = document.documentElement.lang || "fr";
  var rtl = document.documentElement.dir === "rtl";
  var locale = language === "ar" ? "ar-MA" : language === "fr" ? "fr-MA" : "en";
  var palette = ["#0b6e4f", "#c8102e", "#f2a900", "#1f6fb2", "#6c757d", "#7b3f99", "#2a9d8f"];

  function options(spec) {
    var circular = spec.type === "doughnut" || spec.type === "pie";
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false, // drawn at once: printing and screenshots see the finished chart
      locale: locale,
      plugins: {
        legend: { display: circular || spec.datasets.length > 1, rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
        tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
        title: { display: true, text: spec.title }
      }
    };
    if (!circular) {
      base.scales = {
        x: { reverse: rtl, ticks: { autoSkip: false, maxRotation: 60 } },
        y: { beginAtZero: true, position: rtl ? "right" : "left" }
      };
    }
    return base;
  }

  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas || typeof Chart === "undefined") return;
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: spec.type === "doughnut" ? palette : colour,
        borderColor: colour,
        spanGaps: true
      };
    });
    canvas.closest(".chart-box").classList.add("chart-drawn");
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options(spec) });
  }

  if (source) JSON.parse(source.textContent).forEach(draw);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
