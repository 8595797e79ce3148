/*
 * Draws every `<canvas data-chart="ID">` with the vendored Chart.js, from the JSON in
 * `<script type="application/json" id="ID">` (Django's json_script) next to it:
 *   {"type": "bar"|"line", "labels": [...], "label": "XP", "data": [...], "unit": "%",
 *    "color": "brand", "max": 100}
 * Colours come from the page's CSS custom properties (--chart-<color>, else --<color>, and
 * --ink / --muted / --line for text and grid), so dark and high-contrast themes apply; charts
 * are drawn again when the theme attribute changes and in content that htmx swaps in.
 * Each chart has a data table beside it as its text alternative: the canvas is decoration.
 */
(function () {
  "use strict";

  var FALLBACKS = { brand: "#2f7d32", focus: "#1570ef", ink: "#1d2433", muted: "#5d6778", line: "#d0d5dd", danger: "#b42318" };

  function cssVar(element, name) {
    return getComputedStyle(element).getPropertyValue(name).trim();
  }

  function colour(element, name) {
    return cssVar(element, "--chart-" + name) || cssVar(element, "--" + name) || FALLBACKS[name] || FALLBACKS.brand;
  }

  function readConfig(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function format(value, unit) {
    if (value === null || value === undefined) {
      return "—";
    }
    return unit === "%" ? value + " %" : unit ? value + " " + unit : String(value);
  }

  function build(canvas, spec) {
    var main = colour(canvas, spec.color || "brand");
    var ink = colour(canvas, "ink");
    var muted = colour(canvas, "muted");
    var grid = colour(canvas, "line");
    var isLine = spec.type === "line";
    var scaleY = {
      beginAtZero: true,
      ticks: { color: muted, precision: spec.unit === "min" ? 1 : 0, maxTicksLimit: 5 },
      grid: { color: grid }
    };
    if (spec.max !== null && spec.max !== undefined) {
      scaleY.max = spec.max;
    }
    return {
      type: isLine ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.label,
          data: spec.data,
          backgroundColor: main,
          borderColor: main,
          borderWidth: isLine ? 2 : 0,
          borderRadius: isLine ? 0 : 3,
          maxBarThickness: 28,
          pointRadius: spec.data.length > 31 ? 0 : 3,
          pointHitRadius: 8,
          spanGaps: false,
          tension: 0,
          // Points on the axis' maximum (100 %) are drawn whole, not cut by the chart's edge.
          clip: isLine ? false : undefined
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: isLine ? 6 : 0 } },
        animation: window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                return spec.label + ": " + format(item.raw, spec.unit);
              }
            }
          }
        },
        scales: {
          x: {
            ticks: { color: muted, autoSkip: true, maxRotation: 0, autoSkipPadding: 8 },
            grid: { display: false },
            border: { color: grid }
          },
          y: scaleY
        },
        color: ink
      }
    };
  }

  function draw(canvas) {
    if (typeof window.Chart !== "function") {
      return;
    }
    var spec = readConfig(canvas);
    if (!spec) {
      return;
    }
    var existing = window.Chart.getChart(canvas);
    if (existing) {
      existing.destroy();
    }
    new window.Chart(canvas, build(canvas, spec));
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var canvases = scope.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, draw);
    if (scope.matches && scope.matches("canvas[data-chart]")) {
      draw(scope);
    }
  }

  function start() {
    drawAll(document);
    // htmx swaps (the Stats range chooser): draw what came in.
    document.body.addEventListener("htmx:load", function (event) {
      drawAll(event.target);
    });
    // A theme switched without a reload: redraw with the new colours.
    if (window.MutationObserver) {
      new MutationObserver(function () { drawAll(document); }).observe(document.documentElement, {
        attributes: true,
        subtree: false,
        attributeFilter: ["data-theme", "data-font-size"]
      });
      new MutationObserver(function () { drawAll(document); }).observe(document.body, {
        attributes: true,
        attributeFilter: ["data-theme", "data-font-size"]
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
