/* Charts of the hazard statistics page (ECharts from /static/vendor; data from json_script). */
(function () {
  "use strict";
  var node = document.getElementById("hazard-stats-chart-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var L = data.labels;
  var charts = [];
  var narrow = window.innerWidth < 576;
  var grid = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
  var legend = { top: 0, type: "scroll" };
  var pct = function (v) { return v == null ? "—" : v + "%"; };

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  if (data.trend.length) {
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: legend,
      grid: grid,
      xAxis: { type: "category", data: data.trend.map(function (d) { return d.month; }) },
      yAxis: [{ type: "value", minInterval: 1 },
              { type: "value", max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }],
      series: [
        { name: L.reported, type: "bar", barMaxWidth: 18, data: data.trend.map(function (d) { return d.reported; }) },
        { name: L.closures, type: "bar", barMaxWidth: 18, data: data.trend.map(function (d) { return d.closures; }) },
        { name: L.rate, type: "line", yAxisIndex: 1, connectNulls: true, tooltip: { valueFormatter: pct },
          data: data.trend.map(function (d) { return d.rate; }) }
      ]
    });
  }

  if (data.children.length) {
    var names = data.children.map(function (r) { return r.name; });
    make("chart-children", {
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: legend,
      grid: grid,
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 || narrow ? 30 : 0,
        width: 80, overflow: "truncate" } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: L.rate, type: "bar", data: data.children.map(function (r) { return r.rate; }) },
        { name: L.on_time, type: "bar", data: data.children.map(function (r) { return r.on_time; }) }
      ]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
