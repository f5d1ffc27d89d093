/* Draws the dashboards' charts. Each figure is a JSON data block written by the server
   (<script type="application/json" id="figure-…">), never run as script, so the page
   keeps its Content-Security-Policy without inline script. Needs plotly.js (vendored). */
(function () {
  "use strict";

  var japanese = (document.documentElement.lang || "ja").indexOf("ja") === 0;

  function draw(element) {
    var block = document.getElementById(element.getAttribute("data-figure"));
    if (!block || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    var name = element.getAttribute("data-figure").replace(/^figure-/, "");
    var config = {
      responsive: true,
      displaylogo: false,
      locale: japanese ? "ja" : "en",
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: name, scale: 2 }
    };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.setAttribute("data-drawn", "true");
    });
  }

  function drawAll() {
    var plots = document.querySelectorAll(".plot[data-figure]");
    for (var i = 0; i < plots.length; i += 1) {
      draw(plots[i]);
    }
  }

  // Printing: let every chart take the printed width (A4), then the screen width again.
  function resizeAll() {
    var plots = document.querySelectorAll(".plot[data-drawn]");
    for (var i = 0; i < plots.length; i += 1) {
      window.Plotly.Plots.resize(plots[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
