/* The open-data pages: the trend chart and the district map, drawn with ECharts from the data-* attributes
   (no inline scripts: the CSP forbids them). The tables under them carry the same numbers, so a reader
   without JavaScript, or with a screen reader, loses nothing. On the static export the boundaries come from
   a script (window.JUNDENG_GEO), since a page opened from disk may not fetch another file. */
(function () {
  "use strict";

  if (typeof window.echarts === "undefined") {
    return;
  }
  var charts = [];

  var trend = document.getElementById("open-chart");
  if (trend) {
    var chart = window.echarts.init(trend);
    chart.setOption(JSON.parse(trend.getAttribute("data-chart")));
    charts.push(chart);
    trend.setAttribute("data-ready", "true");
  }

  function drawMap(el, config, geojson) {
    window.echarts.registerMap(config.map, geojson);
    var values = config.values.map(function (v) { return v.value; }).filter(function (v) { return isFinite(v); });
    var map = window.echarts.init(el);
    map.setOption({
      tooltip: { trigger: "item" },
      visualMap: {
        min: values.length ? Math.min.apply(null, values) : 0,
        max: values.length ? Math.max.apply(null, values) : 1,
        left: 10, bottom: 10, calculable: true,
        inRange: { color: ["#deebf7", "#6baed6", "#08519c"] }
      },
      series: [{ type: "map", map: config.map, name: config.name, data: config.values,
        label: { show: true, fontWeight: "bold", textBorderColor: "#fff", textBorderWidth: 2 } }]
    });
    charts.push(map);
    el.setAttribute("data-ready", "true");
  }

  var mapEl = document.getElementById("open-map");
  if (mapEl) {
    var config = JSON.parse(mapEl.getAttribute("data-map"));
    if (config.script) {
      if (window.JUNDENG_GEO) {
        drawMap(mapEl, config, window.JUNDENG_GEO);
      }
    } else {
      fetch(config.geo, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geojson) { if (geojson) { drawMap(mapEl, config, geojson); } });
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
