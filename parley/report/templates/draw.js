/* Draw every parley figure from the JSON stored beside its div (never executed as script). */
document.addEventListener("DOMContentLoaded", function () {
  var nodes = document.querySelectorAll("script.parley-figure-data");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i];
    var div = document.getElementById(node.getAttribute("data-for"));
    if (!div) { continue; }
    var spec = JSON.parse(node.textContent);
    Plotly.newPlot(div, spec.data || [], spec.layout || {}, {displaylogo: false, responsive: false});
  }
});
