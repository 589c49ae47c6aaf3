/* Dashboard charts: drawn from the same figures as the tables (json_script "dashboard-charts"),
   with the vendored Chart.js. The tables stay the reference; a chart is only a picture of one. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#45818e", "#cc0000", "#7f6000"];
  var thai = (document.documentElement.lang || "th").indexOf("th") === 0;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.locale = thai ? "th-TH" : "en-GB";

  // Long place names (a centre's full name) are cut on whole letters, so a phone keeps room
  // for the bars; the table beside the chart has the full name.
  var graphemes = window.Intl && Intl.Segmenter ? new Intl.Segmenter(thai ? "th" : "en") : null;
  function shorten(label) {
    var letters = graphemes
      ? Array.from(graphemes.segment(label), function (s) { return s.segment; })
      : Array.from(label);
    return letters.length > 20 ? letters.slice(0, 19).join("") + "…" : label;
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = charts[box.getAttribute("data-chart")];
    if (!data || !data.labels.length) {
      box.hidden = true;
      return;
    }
    // One bar per row, tall enough to read every label on a phone.
    box.style.height = Math.max(180, data.labels.length * 26 + 90) + "px";
    new Chart(box.querySelector("canvas"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: {
            stacked: true,
            ticks: {
              autoSkip: false,
              callback: function (value) { return shorten(this.getLabelForValue(value)); }
            }
          }
        },
        plugins: { legend: { position: "bottom" }, title: { display: false } }
      }
    });
  });
})();
