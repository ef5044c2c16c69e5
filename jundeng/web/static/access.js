/* The Access page's map: the programme's district boundaries coloured by the share of people covered, the
   facilities of the chosen category (red) and the demand points left uncovered (orange, sized by population).
   Everything comes from the data-map attribute of #access-map (no inline scripts: the CSP forbids them); the
   tables under the map carry the same numbers for readers without JavaScript. */
(function () {
  "use strict";

  var el = document.getElementById("access-map");
  if (!el || typeof window.echarts === "undefined") {
    return;
  }
  var config = JSON.parse(el.getAttribute("data-map"));
  var encode = window.echarts.format.encodeHTML;
  var labels = config.labels;
  var colors = config.colors;

  function pct(value) {
    return value === undefined || value === null || isNaN(value) ? "—" : (100 * value).toFixed(1) + "%";
  }

  /* ECharts puts the formatter's string into the page as HTML: escape every text in it */
  function tooltip(p) {
    if (p.seriesType === "map") {
      return encode(p.name + ": " + labels.share + " " + pct(p.value));
    }
    var v = p.value || [];
    if (p.seriesIndex === 1) {
      return encode(v[2] + " · " + labels.capacity + " " + v[3]);
    }
    return encode(v[3] + " · " + labels.uncovered + " · " + labels.population + " " + Math.round(v[2]));
  }

  // the colour scale starts at the lowest district share (to the 10 % below it), so that 88 % and 99 % differ;
  // the scale's own labels say where it starts
  var shares = config.districts.map(function (d) { return d.value; }).filter(function (v) { return isFinite(v); });
  var lowest = shares.length ? Math.max(0, Math.floor(Math.min.apply(null, shares) * 10) / 10) : 0;
  lowest = Math.min(lowest, 0.9);
  window.echarts.registerMap(config.map, config.geo);
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", formatter: tooltip },
    legend: { top: 0, data: [labels.facilities, labels.uncovered] },
    geo: { map: config.map, roam: true, label: { show: true, fontWeight: "bold", textBorderColor: "#fff", textBorderWidth: 2 }, itemStyle: { borderColor: "#555" } },
    visualMap: {
      seriesIndex: 0, min: lowest, max: 1, left: 10, bottom: 10, calculable: true,
      text: [labels.high, labels.low], formatter: pct,
      inRange: { color: [colors.low, colors.mid, colors.high] }
    },
    series: [
      { type: "map", geoIndex: 0, name: labels.share, data: config.districts },
      { type: "scatter", coordinateSystem: "geo", name: labels.facilities, data: config.facilities,
        symbolSize: 3, itemStyle: { color: colors.facilities }, z: 3 },
      { type: "scatter", coordinateSystem: "geo", name: labels.uncovered, data: config.uncovered,
        symbolSize: function (v) { return Math.max(4, Math.min(16, Math.sqrt(v[2]) / 8)); },
        itemStyle: { color: colors.uncovered, borderColor: "#7f2704", borderWidth: 1 }, z: 4 }
    ]
  });
  el.setAttribute("data-ready", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
