/* Charts of the training statistics dashboard (ECharts from /static/vendor; data from json_script). */
(function () {
  "use strict";
  var node = document.getElementById("stats-chart-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var L = data.labels;
  var charts = [];
  var narrow = window.innerWidth < 576;

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  var pctAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
  var grid = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
  var legend = { top: 0, type: "scroll" };

  if (data.children.length) {
    var names = data.children.map(function (r) { return r.name; });
    make("chart-children", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: legend,
      grid: grid,
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 || narrow ? 30 : 0,
        width: 80, overflow: "truncate" } },
      yAxis: pctAxis,
      series: [
        { name: L.participation, type: "bar", data: data.children.map(function (r) { return r.participation; }) },
        { name: L.pass, type: "bar", data: data.children.map(function (r) { return r.pass; }) },
        { name: L.completion, type: "bar", data: data.children.map(function (r) { return r.completion; }) }
      ]
    });
  }

  if (data.trend.length) {
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: legend,
      grid: grid,
      xAxis: { type: "category", data: data.trend.map(function (d) { return d.day; }) },
      yAxis: [{ type: "value", name: "h" }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: [
        { name: L.hours, type: "line", smooth: true, areaStyle: { opacity: 0.15 },
          data: data.trend.map(function (d) { return d.hours; }) },
        { name: L["new"], type: "bar", yAxisIndex: 1, barMaxWidth: 18,
          data: data.trend.map(function (d) { return d["new"]; }) }
      ]
    });
  }

  if (data.audiences.length) {
    make("chart-audience", {
      tooltip: { trigger: "axis" },
      legend: legend,
      grid: grid,
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.audiences.map(function (a) { return a.name; }) },
      series: [
        { name: L.target, type: "bar", data: data.audiences.map(function (a) { return a.target; }) },
        { name: L.participants, type: "bar", data: data.audiences.map(function (a) { return a.participants; }) }
      ]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
