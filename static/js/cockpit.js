// The cockpit's charts (Apache ECharts, vendored). Data comes from the page's
// <script type="application/json" id="cockpit-data"> block: no inline script (CSP).
// Each chart has its table beside it; a click on a point or bar opens the list behind it.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("cockpit-data");
    if (!node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var charts = [];

    var trendEl = document.getElementById("chart-trend");
    if (trendEl && data.trend) {
      var trend = echarts.init(trendEl, null, { renderer: "svg" });
      trend.setOption({
        animation: false,
        // richText: the tooltip is drawn in the chart, not as HTML with inline styles (CSP).
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { data: [data.trend.labels.value, data.trend.labels.previous], bottom: 0 },
        grid: { left: 40, right: 12, top: 16, bottom: 56 },
        xAxis: { type: "category", data: data.trend.periods, axisLabel: { rotate: 45, fontSize: 10 } },
        yAxis: { type: "value" },
        series: [
          { name: data.trend.labels.value, type: "line", data: data.trend.value, symbolSize: 8, connectNulls: false },
          { name: data.trend.labels.previous, type: "line", data: data.trend.previous, lineStyle: { type: "dashed" }, symbol: "triangle" }
        ]
      });
      trend.on("click", function (params) {
        var link = data.trend.links[params.dataIndex];
        if (link) window.location.href = link;
      });
      trendEl.setAttribute("data-rendered", "1");
      charts.push(trend);
    }

    var rankEl = document.getElementById("chart-ranking");
    if (rankEl && data.ranking) {
      var rank = echarts.init(rankEl, null, { renderer: "svg" });
      rank.setOption({
        animation: false,
        // richText: the tooltip is drawn in the chart, not as HTML with inline styles (CSP).
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 90, right: 16, top: 8, bottom: 24 },
        xAxis: { type: "value", max: 100 },
        yAxis: { type: "category", data: data.ranking.names, inverse: true, axisLabel: { fontSize: 11 } },
        series: [{ name: data.ranking.label, type: "bar", data: data.ranking.share, label: { show: true, position: "right" } }]
      });
      rank.on("click", function (params) {
        var link = data.ranking.links[params.dataIndex];
        if (link) window.location.href = link;
      });
      rankEl.setAttribute("data-rendered", "1");
      charts.push(rank);
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
