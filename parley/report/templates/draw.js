/* Draw every parley figure from the JSON stored beside its div (never executed as script).
 *
 * plotly.js comes gzip-compressed and base64-encoded in the script element #parley-plotly-js
 * (a third of its size): it is inflated with the browser's own DecompressionStream and run as an inline script,
 * all offline. A plotly template shared by several figures is stored once (script.parley-plotly-template)
 * and named by the figure's data-template attribute. */
(function () {
  function loadPlotly() {
    if (window.Plotly) { return Promise.resolve(); }
    var packed = document.getElementById("parley-plotly-js");
    var text = atob(packed.textContent.replace(/\s+/g, ""));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (source) {
      var script = document.createElement("script");
      script.textContent = source;
      document.head.appendChild(script);
    });
  }

  function templates() {
    var found = {};
    var nodes = document.querySelectorAll("script.parley-plotly-template");
    for (var i = 0; i < nodes.length; i++) { found[nodes[i].getAttribute("data-template")] = nodes[i]; }
    return found;
  }

  function drawAll() {
    var shared = templates();
    var nodes = document.querySelectorAll("script.parley-figure-data");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var div = document.getElementById(node.getAttribute("data-for"));
      if (!div) { continue; }
      var spec = JSON.parse(node.textContent);
      var layout = spec.layout || {};
      var key = node.getAttribute("data-template");
      if (key && shared[key]) { layout.template = JSON.parse(shared[key].textContent); }
      Plotly.newPlot(div, spec.data || [], layout, {displaylogo: false, responsive: false});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadPlotly().then(drawAll);
  });
})();
