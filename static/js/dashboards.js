/* Draws the dashboards' charts. Each figure is a JSON data block written by the server
   (<script type="application/json" id="figure-…">), never run as script, so the page
   keeps its Content-Security-Policy without inline script. Needs plotly.js (vendored).
   The plotly config comes with the figure (dashboards/charts/base.py PLOT_CONFIG); the keys
   that keep a chart on the site are set here again, whatever the block says. */
(function () {
  "use strict";

  var japanese = (document.documentElement.lang || "ja").indexOf("ja") === 0;

  // Nothing in the mode bar sends a figure anywhere or links outside the site.
  var STAYS_ON_SITE = {
    displaylogo: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    showLink: false,
    sendData: false,
    plotlyServerURL: "",
    linkText: ""
  };
  var OUTSIDE_BUTTONS = ["sendDataToCloud", "editInChartStudio", "select2d", "lasso2d"];

  function chartConfig(figure, name) {
    var config = {};
    var key;
    var given = figure.config || {};
    for (key in given) {
      if (Object.prototype.hasOwnProperty.call(given, key)) {
        config[key] = given[key];
      }
    }
    for (key in STAYS_ON_SITE) {
      if (Object.prototype.hasOwnProperty.call(STAYS_ON_SITE, key)) {
        config[key] = STAYS_ON_SITE[key];
      }
    }
    config.modeBarButtonsToRemove = (config.modeBarButtonsToRemove || []).concat(OUTSIDE_BUTTONS);
    config.responsive = true;
    config.locale = japanese ? "ja" : "en";
    config.toImageButtonOptions = { format: "png", filename: name, scale: 2 };
    return config;
  }

  function draw(element) {
    var block = document.getElementById(element.getAttribute("data-figure"));
    if (!block || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    var name = element.getAttribute("data-figure").replace(/^figure-/, "");
    window.Plotly.newPlot(element, figure.data, figure.layout, chartConfig(figure, name)).then(
      function () {
        // The text alternative is the figure's caption and the table; the drawing itself
        // (axis ticks read one by one) is hidden from screen readers. The SVGs hold nothing
        // focusable, so hiding them does not hide a control.
        var svgs = element.querySelectorAll(".main-svg");
        for (var i = 0; i < svgs.length; i += 1) {
          svgs[i].setAttribute("aria-hidden", "true");
        }
        element.setAttribute("data-drawn", "true");
      }
    );
  }

  function drawAll() {
    var plots = document.querySelectorAll(".plot[data-figure]");
    for (var i = 0; i < plots.length; i += 1) {
      draw(plots[i]);
    }
  }

  // The PNG button under each chart: the same image as the camera button, for the keyboard.
  function downloadPng(event) {
    var button = event.target.closest("button[data-png]");
    if (!button || !window.Plotly) {
      return;
    }
    var plot = document.querySelector('.plot[data-figure="' + button.getAttribute("data-png") + '"]');
    if (plot && plot.getAttribute("data-drawn")) {
      window.Plotly.downloadImage(plot, {
        format: "png",
        filename: button.getAttribute("data-png").replace(/^figure-/, ""),
        scale: 2
      });
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
  document.addEventListener("click", downloadPng);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
