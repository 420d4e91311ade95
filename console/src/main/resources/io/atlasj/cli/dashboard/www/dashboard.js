'use strict';
// The dashboard's pages: plain DOM over the JSON endpoints (docs/dashboard.md); curves drawn by uPlot.

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const num = (v, d = 4) => (v === null || v === undefined || Number.isNaN(v)) ? '' : Number(v).toFixed(d);
const pct = (v) => (v === null || v === undefined) ? '' : (100 * v).toFixed(0) + '%';
const when = (ms) => ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '';
const dur = (ms) => ms === undefined || ms === null ? '' : ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
const q = (o) => Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')
  .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');

async function get(path) {
  const r = await fetch(path, {cache: 'no-store'});
  if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + (await r.text()));
  return r.json();
}

function crumbs(html) { $('#crumbs').innerHTML = html; }
function conn(text) { $('#conn').textContent = text; }

/** Calls fn at most every ms milliseconds (the last call is never lost). */
function throttle(fn, ms) {
  let due = false, running = false;
  return function go() {
    if (running) { due = true; return; }
    running = true;
    setTimeout(async () => {
      try { await fn(); } catch (e) { conn('error: ' + e.message); }
      running = false;
      if (due) { due = false; go(); }
    }, ms);
  };
}

/** A run's event stream; calls on(event, data) for each journal line. */
function follow(run, on) {
  const es = new EventSource('/api/runs/' + encodeURIComponent(run) + '/events');
  es.onopen = () => conn('live');
  es.onerror = () => conn('reconnecting…');
  for (const e of ['key', 'epoch', 'result', 'end', 'verdicts']) {
    es.addEventListener(e, (m) => on(e, JSON.parse(m.data)));
  }
  return es;
}

function progress(counts, total) {
  const f = (k) => (counts[k] || 0) / Math.max(1, total) * 100;
  let x = 0;
  const seg = (k) => { const w = f(k); const s = `<span class="${k}" style="left:${x}%;width:${w}%"></span>`; x += w; return s; };
  return `<div class="bar" title="${esc(JSON.stringify(counts))}">${seg('done')}${seg('stopped')}${seg('failed')}</div>`;
}

// ------------------------------------------------------------------ runs

async function runsPage() {
  crumbs('runs');
  const draw = async () => {
    const d = await get('/api/runs');
    if (!d.runs.length) {
      $('#main').innerHTML = '<h1>Runs</h1><p class="muted">No run journals yet: start one with <code>atlas run FILE --local</code>.</p>';
      return;
    }
    let h = '<h1>Runs</h1><table id="runs"><tr><th>run</th><th>WorkSpec</th><th>driver</th><th>state</th><th>progress</th>'
      + '<th>done</th><th>stopped</th><th>failed</th><th>training</th><th>queued</th><th>models</th><th>started</th><th>last news</th></tr>';
    for (const r of d.runs) {
      const c = r.counts;
      h += `<tr data-run="${esc(r.run)}"><td><a href="/run?run=${encodeURIComponent(r.run)}">${esc(r.run)}</a></td><td>${esc(r.workspec)}</td>`
        + `<td>${esc(r.driver)}</td><td><span class="status ${esc(r.state)}">${esc(r.state)}</span></td><td>${progress(c, r.total)}</td>`
        + `<td class="num done">${c.done || 0}</td><td class="num">${c.stopped || 0}</td><td class="num">${c.failed || 0}</td>`
        + `<td class="num">${(c.assigned || 0) + (c.harvesting || 0)}</td><td class="num">${(c.queued || 0) + (c.waiting || 0)}</td>`
        + `<td class="num total">${r.total}</td><td>${when(r.started)}</td><td>${when(r.updated)}</td></tr>`;
    }
    $('#main').innerHTML = h + '</table>';
    conn('updated ' + new Date().toLocaleTimeString());
  };
  await draw();
  setInterval(() => draw().catch((e) => conn('error: ' + e.message)), 2000);
}

// ------------------------------------------------------------------ a run

async function runPage() {
  const run = params.get('run');
  crumbs(`<a href="/">runs</a> / ${esc(run)}`);
  const state = {sort: params.get('sort') || '', dir: params.get('dir') || '', offset: 0, unit: '', status: '', picked: []};
  $('#main').innerHTML = '<h1 id="title"></h1><div id="summary"></div><h2>Slots</h2><div id="slots"></div>'
    + '<h2>Multiple testing</h2><div id="verdicts"></div><h2>Leaderboard</h2><div class="filters">'
    + '<label>unit <select id="unit"><option value="">all</option></select></label>'
    + '<label>status <select id="status"><option value="">all</option><option>done</option><option>stopped</option>'
    + '<option>failed</option><option>assigned</option><option>queued</option></select></label>'
    + '<span id="compare"></span></div><div id="board"></div><h2>Failures and retries</h2><div id="failures"></div>';
  let units = new Set();

  const detail = async () => {
    const d = await get('/api/runs/' + encodeURIComponent(run));
    $('#title').innerHTML = `${esc(d.workspec)} <span class="status ${esc(d.state)}">${esc(d.state)}</span>`;
    const c = d.counts;
    $('#summary').innerHTML = `<div class="panel"><span id="done-count">${c.done || 0}</span> done, ${c.stopped || 0} stopped, `
      + `${c.failed || 0} failed, ${(c.assigned || 0) + (c.harvesting || 0)} training, ${(c.queued || 0) + (c.waiting || 0)} queued `
      + `of <b>${d.total}</b> models · ${num(d.perMinute, 1)} finished/min (last 5 min) · ${d.retried} retried · started ${when(d.started)}`
      + (d.ended ? ` · ended ${when(d.ended)}` : '') + progress(c, d.total) + '</div>';
    let s = '<table id="slot-table"><tr><th>slot</th><th>utilisation</th><th>training now</th></tr>';
    for (const x of d.slots) {
      const ms = x.models.map((m) => `<a href="/model?run=${encodeURIComponent(run)}&key=${m.key}">${esc(m.name)}</a> epoch ${m.epoch}`);
      s += `<tr><td>${esc(x.slot)}</td><td><div class="bar"><span class="util" style="left:0;width:${100 * x.utilisation}%"></span></div>${pct(x.utilisation)}</td>`
        + `<td>${ms.length ? ms.slice(0, 8).join(', ') + (ms.length > 8 ? ` and ${ms.length - 8} more` : '') : '<span class="muted">idle</span>'}</td></tr>`;
    }
    $('#slots').innerHTML = d.slots.length ? s + '</table>' : '<p class="muted">no slot has had work yet</p>';
    let f = '<table id="failure-table"><tr><th>model</th><th>unit</th><th>status</th><th>attempts</th><th>errors</th></tr>';
    for (const x of d.failures) {
      f += `<tr><td><a href="/model?run=${encodeURIComponent(run)}&key=${x.key}">${esc(x.name)}</a></td><td>${esc(x.unit)}</td>`
        + `<td><span class="status ${esc(x.status)}">${esc(x.status)}</span></td><td class="num">${x.attempt}</td><td class="error">${esc(x.errors)}</td></tr>`;
    }
    $('#failures').innerHTML = d.failures.length ? f + '</table>' : '<p class="muted">none</p>';
  };

  const verdicts = async () => {
    const v = await get('/api/runs/' + encodeURIComponent(run) + '/verdicts');
    let h = v.noPrices ? `<p class="muted">${esc(v.noPrices)}</p>` : '';
    if (!v.families.length) {
      $('#verdicts').innerHTML = h + '<p class="muted">no unit has traded results yet</p>';
      return;
    }
    h += `<p class="muted">over ${v.results} harvested results, computed ${when(v.computedAt)}</p><table id="verdict-table"><tr><th>unit</th><th>trials</th><th>stopped</th>`
      + '<th>best</th><th>net Sharpe/bar</th><th>random 95th pct</th><th>DSR</th><th>PBO (no skill)</th><th>Reality Check p</th><th>SPA p</th><th>verdict</th></tr>';
    for (const f of v.families) {
      h += `<tr><td>${esc(f.unit)}</td><td class="num">${f.trials}</td><td class="num">${f.stopped}</td>`
        + `<td>${f.bestKey ? `<a href="/model?run=${encodeURIComponent(run)}&key=${f.bestKey}">${esc(f.best)}</a>` : ''}</td>`
        + `<td class="num">${num(f.bestSharpe)}</td><td class="num">${num(f.random95)}</td><td class="num">${num(f.dsr, 3)}</td>`
        + `<td class="num">${num(f.pbo, 2)} (${num(f.pboNoSkill, 2)})</td><td class="num">${num(f.realityCheck, 3)}</td>`
        + `<td class="num">${num(f.spa, 3)}</td><td>${esc(f.verdict)}</td></tr>`;
    }
    $('#verdicts').innerHTML = h + '</table>';
  };

  const cols = [['name', 'model'], ['unit', 'unit'], ['type', 'type'], ['status', 'status'], ['validation', 'validation'],
    ['test', 'test'], ['sharpe', 'net Sharpe/bar'], ['return', 'net return %'], ['drawdown', 'max DD %'], ['epochs', 'epochs'],
    ['millis', 'time']];
  const board = async () => {
    const d = await get('/api/runs/' + encodeURIComponent(run) + '/models?' + q({sort: state.sort, dir: state.dir,
      offset: state.offset, limit: 100, unit: state.unit, status: state.status}));
    state.sort = d.sort; state.dir = d.dir;
    let h = (d.noPrices ? `<p class="muted">${esc(d.noPrices)}</p>` : '')
      + `<table id="leaderboard"><tr><th>#</th><th></th>`;
    for (const [k, label] of cols) {
      h += `<th class="sortable${k === d.sort ? ' sorted ' + d.dir : ''}" data-sort="${k}">${label}</th>`;
    }
    h += '</tr>';
    d.rows.forEach((r, i) => {
      units.add(r.unit);
      const metric = r.metric ? esc(r.metric) + ' ' : '';
      h += `<tr data-key="${r.key}"><td class="num">${d.offset + i + 1}</td><td><input type="checkbox" data-key="${r.key}" ${state.picked.includes(r.key) ? 'checked' : ''}></td>`
        + `<td><a href="/model?run=${encodeURIComponent(run)}&key=${r.key}">${esc(r.name)}</a></td><td>${esc(r.unit)}</td><td>${esc(r.type)}</td>`
        + `<td><span class="status ${esc(r.status)}">${esc(r.status)}</span></td><td class="num">${r.validation === undefined || r.validation === null ? '' : metric + num(r.validation)}</td>`
        + `<td class="num">${num(r.test)}</td><td class="num sharpe">${num(r.sharpe)}</td><td class="num">${num(r.return, 2)}</td>`
        + `<td class="num">${num(r.drawdown, 2)}</td><td class="num">${r.epochs || ''}</td><td class="num">${dur(r.millis)}</td></tr>`;
    });
    h += `</table><div class="pager muted">${d.total ? d.offset + 1 : 0}–${d.offset + d.rows.length} of ${d.total} `
      + `<button id="prev" ${d.offset === 0 ? 'disabled' : ''}>previous</button><button id="next" ${d.offset + d.rows.length >= d.total ? 'disabled' : ''}>next</button></div>`;
    $('#board').innerHTML = h;
    const sel = $('#unit');
    for (const u of units) {
      if (![...sel.options].some((o) => o.value === u)) sel.add(new Option(u, u));
    }
    document.querySelectorAll('#leaderboard th.sortable').forEach((th) => th.onclick = () => {
      const k = th.dataset.sort;
      state.dir = k === state.sort ? (state.dir === 'desc' ? 'asc' : 'desc') : '';
      state.sort = k; state.offset = 0; board();
    });
    document.querySelectorAll('#leaderboard input[type=checkbox]').forEach((cb) => cb.onchange = () => {
      state.picked = state.picked.filter((k) => k !== cb.dataset.key);
      if (cb.checked) state.picked = [...state.picked, cb.dataset.key].slice(-2);
      const [a, b] = state.picked;
      $('#compare').innerHTML = a && b ? `<a id="compare-link" href="/compare?${q({run, a, b})}">compare the two ticked models</a>`
        : '<span class="muted">tick two models to compare them</span>';
    });
    $('#prev').onclick = () => { state.offset = Math.max(0, state.offset - 100); board(); };
    $('#next').onclick = () => { state.offset += 100; board(); };
  };
  $('#unit').onchange = (e) => { state.unit = e.target.value; state.offset = 0; board(); };
  $('#status').onchange = (e) => { state.status = e.target.value; state.offset = 0; board(); };
  $('#compare').innerHTML = '<span class="muted">tick two models to compare them</span>';

  await Promise.all([detail(), verdicts(), board()]);
  const again = throttle(async () => { await detail(); await board(); }, 1000);
  const againVerdicts = throttle(async () => { await verdicts(); await board(); }, 500);
  follow(run, (e) => (e === 'verdicts' ? againVerdicts() : again()));
}

// ------------------------------------------------------------------ a model

/** uPlot series of a model's curves: x = epochs over folds in order (fold boundaries continue the count). */
function curveData(curve, fold) {
  const xs = [], tr = [], va = [];
  for (const [f, e, t, v] of curve) {
    if (fold !== null && f !== fold) continue;
    xs.push(xs.length + 1); tr.push(t); va.push(v);
  }
  return [xs, tr, va];
}

function chart(el, title, series, data) {
  // the page's width, not the (still empty) chart box's
  const width = Math.max(480, Math.min(1100, ($('#main').clientWidth || 1100) - 40));
  return new uPlot({title, width, height: 300, scales: {x: {time: false}},
    axes: [{label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]}, {label: 'loss'}],
    series: [{label: 'epoch'}, ...series]}, data, el);
}

async function modelPage() {
  const run = params.get('run'), key = params.get('key');
  const path = '/api/runs/' + encodeURIComponent(run) + '/models/' + encodeURIComponent(key);
  let m = await get(path);
  crumbs(`<a href="/">runs</a> / <a href="/run?run=${encodeURIComponent(run)}">${esc(run)}</a> / ${esc(m.name)}`);
  $('#main').innerHTML = `<h1>${esc(m.name)} <span class="status ${esc(m.status)}" id="model-status">${esc(m.status)}</span></h1>`
    + '<div class="panel"><table class="figures" id="figures"></table></div>'
    + '<h2>Curves</h2><div class="chart" id="curves"></div><p class="muted" id="epochs"></p>'
    + '<h2>Baseball card</h2><div class="card" id="card"></div><h2>WorkSpec entry</h2><pre id="spec"></pre>';
  const figures = () => {
    const rows = [['unit', m.unit], ['type', m.type], ['key', m.key], ['node / slot', (m.node || '') + (m.slot !== undefined ? ' #' + m.slot : '')],
      ['attempts', m.attempt], ['validation', m.metric ? m.metric + ' ' + num(m.validation) : ''], ['test', m.metric ? m.metric + ' ' + num(m.test) : ''],
      ['time', dur(m.millis)]];
    if (m.money) rows.push(['net Sharpe/bar', num(m.money['sharpe/bar'])], ['net return %', num(m.money['return %'], 2)],
      ['max drawdown %', num(m.money['max drawdown %'], 2)]);
    if (m.errors || m.failure) rows.push(['errors', `<span class="error">${esc(m.errors || m.failure)}</span>`]);
    $('#figures').innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td>${k === 'errors' ? v : esc(v)}</td></tr>`).join('')
      + `<tr><td>hyperparameters</td><td><code>${esc(JSON.stringify(m.hyper))}</code></td></tr>`;
    $('#spec').textContent = JSON.stringify(m.spec || {hyperparameters: m.hyper, note: 'the full entry appears once the result is harvested'}, null, 2);
    if (['done', 'stopped'].includes(m.status) && !$('#card img')) {
      $('#card').innerHTML = `<img alt="baseball card of ${esc(m.name)}" src="${path}/card.svg">`;
    } else if (!['done', 'stopped'].includes(m.status)) {
      $('#card').innerHTML = '<p class="muted">drawn once the model is trained and harvested</p>';
    }
  };
  figures();
  const u = chart($('#curves'), 'training and validation loss (every fold, in order)',
    [{label: 'train', stroke: '#3b7dd8', width: 2}, {label: 'validation', stroke: '#d64545', width: 2}], curveData(m.curve, null));
  const points = () => $('#epochs').textContent = `${m.curve.length} epochs so far`
    + (m.curve.length ? ` (last: fold ${m.curve[m.curve.length - 1][0]}, epoch ${m.curve[m.curve.length - 1][1]})` : '');
  points();
  const reload = throttle(async () => { const c = m.curve; m = await get(path); m.curve = m.curve.length >= c.length ? m.curve : c; figures(); }, 500);
  follow(run, (e, d) => {
    if (d.key !== key) return;
    if (e === 'epoch') {
      m.curve.push([d.fold, d.epoch, d.train ?? null, d.val ?? null, d.at]);
      u.setData(curveData(m.curve, null));
      points();
    } else {
      reload();
    }
  });
}

// ------------------------------------------------------------------ two models

async function comparePage() {
  const run = params.get('run'), a = params.get('a'), b = params.get('b');
  const base = '/api/runs/' + encodeURIComponent(run) + '/models/';
  const [x, y] = await Promise.all([get(base + encodeURIComponent(a)), get(base + encodeURIComponent(b))]);
  crumbs(`<a href="/">runs</a> / <a href="/run?run=${encodeURIComponent(run)}">${esc(run)}</a> / compare`);
  const rows = [['unit', (m) => m.unit], ['type', (m) => m.type], ['status', (m) => m.status],
    ['validation', (m) => m.metric ? m.metric + ' ' + num(m.validation) : ''], ['test', (m) => m.metric ? m.metric + ' ' + num(m.test) : ''],
    ['net Sharpe/bar', (m) => m.money ? num(m.money['sharpe/bar']) : ''], ['net return %', (m) => m.money ? num(m.money['return %'], 2) : ''],
    ['max drawdown %', (m) => m.money ? num(m.money['max drawdown %'], 2) : ''], ['epochs', (m) => m.curve.length],
    ['time', (m) => dur(m.millis)], ['hyperparameters', (m) => JSON.stringify(m.hyper)]];
  let h = `<h1>${esc(x.name)} vs ${esc(y.name)}</h1><table id="compare-table"><tr><th></th>`
    + `<th><a href="/model?run=${encodeURIComponent(run)}&key=${x.key}">${esc(x.name)}</a></th>`
    + `<th><a href="/model?run=${encodeURIComponent(run)}&key=${y.key}">${esc(y.name)}</a></th></tr>`;
  for (const [label, f] of rows) h += `<tr><td>${label}</td><td>${esc(f(x))}</td><td>${esc(f(y))}</td></tr>`;
  $('#main').innerHTML = h + '</table><h2>Validation loss</h2><div class="chart" id="curves"></div>';
  const cx = curveData(x.curve, null), cy = curveData(y.curve, null);
  const n = Math.max(cx[0].length, cy[0].length);
  const xs = Array.from({length: n}, (_, i) => i + 1);
  const pad = (arr) => xs.map((_, i) => (i < arr.length ? arr[i] : null));
  chart($('#curves'), 'validation loss by epoch (every fold, in order)',
    [{label: x.name, stroke: '#3b7dd8', width: 2}, {label: y.name, stroke: '#d64545', width: 2}], [xs, pad(cx[2]), pad(cy[2])]);
}

// ------------------------------------------------------------------ live runners

async function livePage() {
  crumbs('live runners');
  const cols = ['model', 'state', 'version', 'last bar', 'predicted', 'skipped', 'missing', 'outcomes', 'live acc', 'backtest acc',
    'p50 us', 'p99 us', 'feed lag p50/p99'];
  const draw = async () => {
    const d = await get('/api/live');
    if (!d.models.length) {
      $('#main').innerHTML = '<h1>Live runners</h1><p class="muted">No model has run live yet: '
        + '<code>atlas live start --model WORKSPEC/UNIT/NAME --feed replay</code>.</p>';
      return;
    }
    let h = '<h1>Live runners</h1><table id="live"><tr>' + cols.map((c) => `<th>${esc(c)}</th>`).join('') + '</tr>';
    for (const m of d.models) {
      h += `<tr data-model="${esc(m.model)}">` + cols.map((c) => `<td>${esc(m[c])}</td>`).join('') + '</tr>'
        + `<tr><td></td><td colspan="${cols.length - 1}" class="muted">${esc(m.money)}</td></tr>`;
    }
    h += '</table>';
    for (const m of d.models) {
      const p = await get('/api/live/predictions?' + q({model: m.model, limit: 20}));
      h += `<h2>${esc(m.model)}: newest predictions</h2><table class="predictions"><tr><th>bar</th><th>version</th>`
        + '<th>status</th><th>prediction</th><th>probabilities</th><th>confidence</th><th>latency</th></tr>';
      for (const e of p.predictions) {
        h += `<tr><td>${esc(e.barTime)}</td><td class="num">${e.version}</td><td>${esc(e.status)}${e.reason ? ': ' + esc(e.reason) : ''}</td>`
          + `<td class="num">${num(e.prediction)}</td><td>${esc((e.probabilities || []).map((x) => num(x, 3)).join(' '))}</td>`
          + `<td class="num">${num(e.confidence, 3)}</td><td class="num">${e.latencyMicros} µs</td></tr>`;
      }
      h += '</table>';
    }
    $('#main').innerHTML = h;
    conn('updated ' + new Date().toLocaleTimeString());
  };
  await draw();
  setInterval(() => draw().catch((e) => conn('error: ' + e.message)), 2000);
}

const pages = {index: runsPage, run: runPage, model: modelPage, compare: comparePage, live: livePage};
pages[document.body.dataset.page]().catch((e) => { $('#main').innerHTML = `<p class="error">${esc(e.message)}</p>`; });
