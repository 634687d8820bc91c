// The live half of cgiguard's dashboard: reads /-/dashboard.json once a second and redraws the
// chart and the tables. The page works without it; this file only keeps it moving. Tables come
// as markup the server already escaped; the chart is drawn from plain numbers.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var WIDTH = 900, HEIGHT = 200, LEFT = 50, RIGHT = 190, TOP = 10, BOTTOM = 24;
  var REQUESTS = '#2a8a3a';
  var COLOURS = ['#d33', '#e08a00', '#7b3fbf', '#1f8fbf', '#b0487a', '#4c7a00', '#555', '#c4a000'];
  var PERIOD_MS = 1000;

  function el(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function niceCeiling(value) {
    var power = Math.pow(10, Math.floor(Math.log10(Math.max(1, value))));
    var factors = [1, 2, 5, 10];
    for (var i = 0; i < factors.length; i++) {
      if (factors[i] * power >= value) { return factors[i] * power; }
    }
    return 10 * power;
  }

  function path(colour, series, length, top, plotW, plotH) {
    var step = plotW / Math.max(1, length - 1);
    var d = series.map(function (n, i) {
      var y = TOP + plotH - plotH * Math.min(n, top) / top;
      return (i === 0 ? 'M' : 'L') + (LEFT + step * i).toFixed(1) + ' ' + y.toFixed(1);
    }).join('');
    return el('path', { 'class': 'series', stroke: colour, d: d });
  }

  function sum(series) {
    return series.reduce(function (a, b) { return a + b; }, 0);
  }

  // Draws one chart: a line per named series, with the same geometry as the server's SVG.
  function drawChart(id, title, lines, colours) {
    var svg = document.getElementById(id);
    if (!svg) { return; }
    var names = Object.keys(lines);
    var length = 1, peak = 1, total = 0;
    names.forEach(function (name) {
      length = Math.max(length, lines[name].length);
      peak = Math.max.apply(null, [peak].concat(lines[name]));
      total += sum(lines[name]);
    });
    var top = niceCeiling(peak);
    var plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
    while (svg.lastChild) { svg.removeChild(svg.lastChild); }
    svg.appendChild(el('title', {}, title));
    svg.appendChild(el('rect', { 'class': 'frame', x: LEFT, y: TOP, width: plotW, height: plotH }));
    var tick, x, y;
    for (tick = 0; tick <= 4; tick++) {
      y = TOP + plotH - plotH * tick / 4;
      svg.appendChild(el('line', { 'class': 'grid', x1: LEFT, y1: y, x2: LEFT + plotW, y2: y }));
      var value = top * tick / 4;
      svg.appendChild(el('text', { x: LEFT - 4, y: y + 4, 'text-anchor': 'end' },
        value === Math.round(value) ? String(value) : value.toFixed(1)));
    }
    for (tick = 0; tick <= 4; tick++) {
      x = LEFT + plotW * tick / 4;
      var ago = Math.round(length * (4 - tick) / 4);
      svg.appendChild(el('text', { x: x, y: HEIGHT - 6, 'text-anchor': 'middle' },
        ago === 0 ? 'now' : '-' + ago + ' s'));
    }
    names.forEach(function (name, i) {
      var colour = colours[i % colours.length];
      svg.appendChild(path(colour, lines[name], length, top, plotW, plotH));
      x = WIDTH - RIGHT + 10;
      y = TOP + 4 + 16 * i;
      svg.appendChild(el('rect', { x: x, y: y, width: 10, height: 10, fill: colour }));
      svg.appendChild(el('text', { 'class': 'legend', x: x + 14, y: y + 9 }, name));
    });
    if (names.length === 0) {
      svg.appendChild(el('text', { 'class': 'legend', x: WIDTH - RIGHT + 10, y: TOP + 13 },
        'none'));
    }
    svg.setAttribute('data-total', String(total));
  }

  function drawCharts(series) {
    drawChart('rate-chart', 'Requests per second', { requests: series.requests }, [REQUESTS]);
    var kinds = {};
    Object.keys(series.failures).sort().forEach(function (kind) {
      kinds[kind] = series.failures[kind];
    });
    drawChart('failure-chart', 'Failures per second by kind', kinds, COLOURS);
  }

  function replace(id, html) {
    var node = document.getElementById(id);
    if (node && node.innerHTML !== html) { node.innerHTML = html; }
  }

  // A failure the reader opened stays open when the list is redrawn.
  function replaceFailures(html) {
    var node = document.getElementById('failures');
    if (!node || node.innerHTML === html) { return; }
    var open = {};
    node.querySelectorAll('details[open] > summary').forEach(function (s) {
      open[s.textContent] = true;
    });
    node.innerHTML = html;
    node.querySelectorAll('details > summary').forEach(function (s) {
      if (open[s.textContent]) { s.parentNode.open = true; }
    });
  }

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = value; }
  }

  function status(state, words) {
    var live = document.getElementById('live');
    if (live) { live.className = state; live.textContent = words; }
  }

  function show(data) {
    drawCharts(data.series);
    text('uptime', data.uptime);
    text('taken', data.takenAt);
    replace('totals', data.html.totals);
    replace('scripts', data.html.scripts);
    replace('occupancy', data.html.occupancy);
    replace('running', data.html.running);
    replace('circuits', data.html.circuits);
    replaceFailures(data.html.failures);
    status('on', 'live, every second');
  }

  function poll() {
    fetch('/-/dashboard.json', { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(show)
      .catch(function (error) { status('off', 'not updating: ' + error.message); })
      .then(function () { window.setTimeout(poll, PERIOD_MS); });
  }

  poll();
}());
