// index.html's interactive parts: each plotly chart is drawn when it nears the viewport (a report can hold
// hundreds), and the table of every result becomes sortable and filterable. Everything loads from assets/.
(function () {
  "use strict";
  // responsive: the chart follows its holder's width; the holder keeps a fixed height (else a window
  // resize collapses the chart to the holder's minimum).
  var CONFIG = { responsive: true, displaylogo: false };

  function draw(holder) {
    if (holder.getAttribute("data-drawn")) return Promise.resolve(holder);
    holder.setAttribute("data-drawn", "1");
    var spec = JSON.parse(document.getElementById(holder.getAttribute("data-figure")).textContent);
    return Plotly.newPlot(holder, spec.data, spec.layout, CONFIG);
  }

  function drawAll() {
    return Promise.all(Array.prototype.map.call(document.querySelectorAll(".yb-chart"), draw));
  }

  function drawWhenNear() {
    if (!("IntersectionObserver" in window)) return drawAll();
    var watcher = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            watcher.unobserve(entry.target);
            draw(entry.target);
          }
        });
      },
      { rootMargin: "800px 0px" }
    );
    document.querySelectorAll(".yb-chart").forEach(function (chart) {
      watcher.observe(chart);
    });
  }

  function resultsTable() {
    var table = document.getElementById("yb-results");
    if (!table || !window.jQuery || !jQuery.fn.DataTable) return;
    jQuery(table).DataTable({
      order: [],
      pageLength: 25,
      lengthMenu: [
        [25, 100, -1],
        [25, 100, "all"],
      ],
      autoWidth: false,
      language: { search: "Filter:" },
    });
  }

  window.yieldbench = { drawAll: drawAll };
  document.addEventListener("DOMContentLoaded", function () {
    resultsTable();
    drawWhenNear();
  });
})();
