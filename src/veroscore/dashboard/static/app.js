/* VeroScore dashboard: draws every page from JSON (the live API or the data embedded by
 * the static build). All data reaches the page as text nodes or SVG text: never as HTML. */
(function () {
  'use strict';

  var boot = JSON.parse(document.getElementById('vs-boot').textContent);
  var main = document.getElementById('vs-main');
  var statusEl = document.getElementById('vs-status');
  var live = boot.mode === 'live';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var DECISIONS = ['auto_approve', 'review_required', 'auto_block'];
  var DECISION_LABEL = {auto_approve: 'Approved', review_required: 'Review', auto_block: 'Blocked'};
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var STATUSES = ['active', 'processing', 'awaiting_review', 'idle', 'completed', 'timed_out', 'failed'];
  var FORMULA = /^[=+\-@\t\r]/;

  /* ---------- DOM helpers (text only) ---------- */
  function add(node, kids) {
    if (!Array.isArray(kids)) { kids = [kids]; }
    kids.forEach(function (kid) {
      if (kid === null || kid === undefined || kid === false) { return; }
      if (Array.isArray(kid)) { add(node, kid); return; }
      node.appendChild(typeof kid === 'object' ? kid : document.createTextNode(String(kid)));
    });
    return node;
  }
  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key.slice(0, 2) === 'on') { node.addEventListener(key.slice(2), value); }
      else { node.setAttribute(key, String(value)); }
    });
    return node;
  }
  function el(tag, attrs) {
    return add(setAttrs(document.createElement(tag), attrs), [].slice.call(arguments, 2));
  }
  function svg(tag, attrs) {
    return add(setAttrs(document.createElementNS(SVGNS, tag), attrs), [].slice.call(arguments, 2));
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function fmt(value, digits) {
    if (value === null || value === undefined || value === '') { return '—'; }
    return typeof value === 'number' ? value.toFixed(digits === undefined ? 2 : digits) : String(value);
  }
  function when(value) { return value ? String(value).replace('T', ' ').replace('Z', ' UTC') : '—'; }
  function whenCell(value) { return el('span', {class: 'when'}, when(value)); }
  function safeUrl(url) { return /^https?:\/\//.test(url || '') ? url : null; }

  /* ---------- data access: live API or embedded data ---------- */
  function apiGet(path, params) {
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== '' && params[k] !== null && params[k] !== undefined) { query.set(k, params[k]); }
    });
    var qs = query.toString();
    return fetch(boot.api + path + (qs ? '?' + qs : ''), {credentials: 'same-origin'})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error || ('HTTP ' + response.status)); }
          return body;
        });
      });
  }
  function embedded(key) { return Promise.resolve(boot.data[key]); }

  /* ---------- state in the URL hash (works from file:// too) ---------- */
  function readState(defaults) {
    var state = Object.assign({}, defaults);
    new URLSearchParams(location.hash.slice(1)).forEach(function (v, k) { state[k] = v; });
    return state;
  }
  function writeState(state, defaults) {
    var query = new URLSearchParams();
    Object.keys(state).forEach(function (k) {
      if (state[k] !== '' && String(state[k]) !== String(defaults[k])) { query.set(k, state[k]); }
    });
    history.replaceState(null, '', '#' + query.toString());
  }

  /* ---------- client-side filter/sort/page (static form) ---------- */
  function compare(key, desc) {
    return function (a, b) {
      var x = a[key], y = b[key];
      if (x === y) { return 0; }
      if (x === null || x === undefined) { return 1; }
      if (y === null || y === undefined) { return -1; }
      var r = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
      return desc ? -r : r;
    };
  }
  function sortRows(rows, sort) {
    var desc = sort.charAt(0) === '-';
    return rows.slice().sort(compare(desc ? sort.slice(1) : sort, desc));
  }
  function filterPrs(rows, s) {
    return rows.filter(function (r) {
      var day = String(r.created_at).slice(0, 10);
      return (!s.repository || r.repository === s.repository) &&
        (!s.author || r.author === s.author) &&
        (!s.decision || r.decision === s.decision) &&
        (!s.since || day >= s.since) && (!s.until || day <= s.until) &&
        (!s.rule || (r.rules || []).indexOf(s.rule) >= 0);
    });
  }
  function filterSessions(rows, s) {
    return rows.filter(function (r) {
      return (!s.status || r.status === s.status) && (!s.author || r.author === s.author);
    });
  }
  function pageOf(rows, state) {
    var offset = Number(state.offset) || 0, limit = Number(state.limit) || 50;
    return {rows: rows.slice(offset, offset + limit), total: rows.length, offset: offset, limit: limit};
  }

  /* ---------- exports ---------- */
  function csvCell(value) {
    if (value === null || value === undefined) { value = ''; }
    if (Array.isArray(value)) { value = value.join(' '); }
    if (typeof value === 'string' && FORMULA.test(value)) { value = "'" + value; }
    value = String(value);
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function download(name, type, text) {
    var link = el('a', {href: URL.createObjectURL(new Blob([text], {type: type})), download: name});
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }
  function exportRows(table, rows, format) {
    var columns = boot.columns[table];
    if (format === 'csv') {
      var lines = [columns.join(',')].concat(rows.map(function (row) {
        return columns.map(function (c) { return csvCell(row[c]); }).join(',');
      }));
      download('veroscore-' + table + '.csv', 'text/csv', lines.join('\r\n') + '\r\n');
    } else {
      download('veroscore-' + table + '.json', 'application/json', JSON.stringify(rows.map(function (row) {
        var out = {};
        columns.forEach(function (c) { out[c] = row[c] === undefined ? null : row[c]; });
        return out;
      }), null, 1));
    }
  }
  function exportBar(table, params, rowsForStatic) {
    function item(format) {
      if (live) {
        var query = new URLSearchParams();
        Object.keys(params || {}).forEach(function (k) { if (params[k]) { query.set(k, params[k]); } });
        return el('a', {class: 'button', 'data-export': table + '.' + format, download: 'veroscore-' + table + '.' + format,
          href: boot.api + '/export/' + table + '.' + format + '?' + query.toString()}, format.toUpperCase());
      }
      return el('button', {type: 'button', class: 'button', 'data-export': table + '.' + format,
        onclick: function () { exportRows(table, rowsForStatic(), format); }}, format.toUpperCase());
    }
    return el('span', {class: 'exports'}, 'Export ', item('csv'), ' ', item('json'));
  }

  /* ---------- small components ---------- */
  function badge(decision) {
    return el('span', {class: 'badge ' + decision}, DECISION_LABEL[decision] || decision);
  }
  function sevBadge(severity) { return el('span', {class: 'sev ' + severity}, severity); }
  function scoreCell(score) {
    var pct = Math.max(0, Math.min(100, (Number(score) || 0) * 10));
    var bar = el('span', {class: 'scorebar'}, el('span', {class: 'fill'}));
    bar.firstChild.style.width = pct + '%';
    bar.firstChild.className = 'fill ' + (score >= 6 ? 'good' : score >= 4 ? 'warn' : 'bad');
    return el('span', {class: 'score'}, el('b', null, fmt(score)), bar);
  }
  function card(label, value, note) {
    return el('div', {class: 'card'}, el('div', {class: 'label'}, label),
      el('div', {class: 'value'}, value), note ? el('div', {class: 'note'}, note) : null);
  }
  function section(title, body, extra) {
    return el('section', {class: 'panel'}, el('div', {class: 'panel-head'}, el('h2', null, title), extra || null), body);
  }
  function prLink(id, text) {
    if (!id) { return text; }
    if (live) { return el('a', {href: '/pr/' + encodeURIComponent(id)}, text); }
    if ((boot.data.detail_ids || []).indexOf(id) < 0) { return text; }
    return el('a', {href: 'pr-' + id + '.html'}, text);
  }
  function sortableTable(columns, rows, sort, onSort) {
    var key = sort.replace(/^-/, ''), desc = sort.charAt(0) === '-';
    var head = el('tr', null, columns.map(function (col) {
      if (!col.sort || !onSort) { return el('th', {class: col.num ? 'num' : null}, col.label); }
      var active = col.sort === key;
      return el('th', {class: (col.num ? 'num ' : '') + 'sortable' + (active ? ' active' : ''),
        'data-sort': col.sort, 'aria-sort': active ? (desc ? 'descending' : 'ascending') : 'none',
        tabindex: 0, onclick: function () { onSort(active && !desc ? '-' + col.sort : (active ? col.sort : '-' + col.sort)); }},
        col.label, active ? (desc ? ' ▼' : ' ▲') : '');
    }));
    var body = rows.length ? rows.map(function (row) {
      return el('tr', null, columns.map(function (col) {
        return el('td', {class: col.num ? 'num' : null}, col.cell(row));
      }));
    }) : [el('tr', null, el('td', {colspan: columns.length, class: 'empty'}, 'Nothing to show.'))];
    return el('div', {class: 'tablewrap'}, el('table', null, el('thead', null, head), el('tbody', null, body)));
  }
  function pager(page, onMove) {
    var first = page.total ? page.offset + 1 : 0, last = Math.min(page.offset + page.rows.length, page.total);
    return el('div', {class: 'pager'},
      el('span', {class: 'muted', 'data-count': page.total}, first + '–' + last + ' of ' +
        page.total.toLocaleString('en') + (page.total_capped ? '+ (narrow the filters to see more)' : '')),
      el('button', {type: 'button', disabled: page.offset <= 0 ? 'disabled' : null,
        onclick: function () { onMove(Math.max(0, page.offset - page.limit)); }}, '‹ Previous'),
      el('button', {type: 'button', disabled: last >= page.total || page.offset + page.limit > 10000 ? 'disabled' : null,
        onclick: function () { onMove(page.offset + page.limit); }}, 'Next ›'));
  }
  function selectInput(name, label, values, current, labels) {
    return el('label', null, label, el('select', {name: name}, el('option', {value: ''}, 'All'),
      values.map(function (v) {
        return el('option', {value: v, selected: v === current ? 'selected' : null}, (labels && labels[v]) || v);
      })));
  }
  function textInput(name, label, current, type) {
    return el('label', null, label, el('input', {name: name, type: type || 'text', value: current || ''}));
  }
  function filterForm(fields, onChange) {
    var form = el('form', {class: 'filters', onsubmit: function (e) { e.preventDefault(); }}, fields);
    var timer = null;
    function changed() {
      var values = {};
      [].forEach.call(form.elements, function (input) { if (input.name) { values[input.name] = input.value; } });
      onChange(values);
    }
    form.addEventListener('change', changed);
    form.addEventListener('input', function (e) {
      if (e.target.tagName === 'INPUT' && e.target.type === 'text') { clearTimeout(timer); timer = setTimeout(changed, 400); }
    });
    return form;
  }

  /* ---------- charts (SVG, labels as text nodes) ---------- */
  var COLORS = {auto_approve: '#2e9e62', review_required: '#d99a1e', auto_block: '#d64545',
    critical: '#b3261e', high: '#e0662b', medium: '#e3b341', low: '#5b8def', info: '#8a94a6'};
  function hbar(items, labelKey, valueKey, colorOf) {
    var rowH = 26, width = 640, labelW = 220, max = Math.max.apply(null, items.map(function (i) { return i[valueKey]; }).concat([1]));
    var chart = svg('svg', {viewBox: '0 0 ' + width + ' ' + (items.length * rowH + 8), class: 'chart', role: 'img'});
    items.forEach(function (item, n) {
      var y = n * rowH + 4, w = Math.max(2, (width - labelW - 60) * item[valueKey] / max);
      var label = String(item[labelKey] === '' ? '(root)' : item[labelKey]);
      add(chart, [
        svg('text', {x: labelW - 8, y: y + 16, 'text-anchor': 'end', class: 'lbl'}, label.length > 30 ? '…' + label.slice(-29) : label),
        svg('rect', {x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 3, fill: colorOf(item)},
          svg('title', null, label + ': ' + item[valueKey])),
        svg('text', {x: labelW + w + 6, y: y + 16, class: 'val'}, String(item[valueKey]))]);
    });
    return items.length ? chart : el('p', {class: 'muted'}, 'No data in this period.');
  }
  function stacked(rows, keys, xKey) {
    var width = 640, height = 220, pad = 30, n = rows.length;
    if (!n) { return el('p', {class: 'muted'}, 'No data in this period.'); }
    var totals = rows.map(function (r) { return keys.reduce(function (s, k) { return s + (Number(r[k]) || 0); }, 0); });
    var max = Math.max.apply(null, totals.concat([1])), bw = Math.min(64, (width - pad * 2) / n);
    var chart = svg('svg', {viewBox: '0 0 ' + width + ' ' + (height + 24), class: 'chart', role: 'img'});
    add(chart, [svg('line', {x1: pad, y1: height, x2: width - pad, y2: height, class: 'axis'}),
      svg('text', {x: pad - 4, y: 12, 'text-anchor': 'end', class: 'val'}, String(max))]);
    rows.forEach(function (row, i) {
      var y = height;
      keys.forEach(function (k) {
        var h = (height - 10) * (Number(row[k]) || 0) / max;
        if (h > 0) {
          y -= h;
          add(chart, svg('rect', {x: pad + i * bw + 2, y: y, width: Math.max(1, bw - 4), height: h, fill: COLORS[k] || '#5b8def'},
            svg('title', null, String(row[xKey]) + ' ' + k + ': ' + row[k])));
        }
      });
      if (n <= 16 || i % Math.ceil(n / 12) === 0) {
        add(chart, svg('text', {x: pad + i * bw + bw / 2, y: height + 16, 'text-anchor': 'middle', class: 'lbl small'}, String(row[xKey]).slice(5)));
      }
    });
    return el('div', null, chart, legend(keys));
  }
  function line(rows, xKey, yKey, yMax) {
    var width = 640, height = 200, pad = 30, n = rows.length;
    if (!n) { return el('p', {class: 'muted'}, 'No data in this period.'); }
    var step = n > 1 ? (width - pad * 2) / (n - 1) : 0;
    var pts = rows.map(function (r, i) { return [pad + i * step, height - (height - 10) * (Number(r[yKey]) || 0) / yMax]; });
    var chart = svg('svg', {viewBox: '0 0 ' + width + ' ' + (height + 24), class: 'chart', role: 'img'});
    [0, 2.5, 5, 7.5, 10].forEach(function (v) {
      var y = height - (height - 10) * v / yMax;
      add(chart, [svg('line', {x1: pad, y1: y, x2: width - pad, y2: y, class: 'grid'}),
        svg('text', {x: pad - 6, y: y + 4, 'text-anchor': 'end', class: 'val'}, String(v))]);
    });
    add(chart, svg('polyline', {points: pts.map(function (p) { return p.join(','); }).join(' '), class: 'trend'}));
    pts.forEach(function (p, i) {
      add(chart, svg('circle', {cx: p[0], cy: p[1], r: 3.5, class: 'dot'},
        svg('title', null, rows[i][xKey] + ': ' + fmt(rows[i][yKey]))));
      if (n <= 16 || i % Math.ceil(n / 12) === 0) {
        add(chart, svg('text', {x: p[0], y: height + 16, 'text-anchor': 'middle', class: 'lbl small'}, String(rows[i][xKey]).slice(5)));
      }
    });
    return chart;
  }
  function legend(keys) {
    return el('div', {class: 'legend'}, keys.map(function (k) {
      var swatch = el('i');
      swatch.style.background = COLORS[k] || '#5b8def';
      return el('span', null, swatch, DECISION_LABEL[k] || k);
    }));
  }

  /* ---------- pages ---------- */
  function overviewPage() {
    return (live ? apiGet('/overview') : embedded('overview')).then(function (d) {
      var sessions = d.sessions || {}, health = d.health || {}, dec = d.decisions_30_days || {};
      var open = (sessions.active || 0) + (sessions.processing || 0) + (sessions.awaiting_review || 0);
      var decisionItems = DECISIONS.map(function (k) { return {decision: k, label: DECISION_LABEL[k], n: dec[k] || 0}; });
      return [
        el('div', {class: 'cards'},
          card('Scored today', d.scored.today), card('Last 7 days', d.scored.last_7_days),
          card('Last 30 days', d.scored.last_30_days),
          card('Average score', fmt(d.average_score), 'median ' + fmt(d.median_score)),
          card('Average scan', d.average_scan_ms === null ? '—' : fmt(d.average_scan_ms / 1000, 1) + ' s'),
          card('Open sessions', open, (sessions.processing || 0) + ' processing, ' + (sessions.awaiting_review || 0) + ' awaiting review')),
        el('div', {class: 'grid2'},
          section('Decisions, last 30 days', hbar(decisionItems, 'label', 'n', function (i) { return COLORS[i.decision]; })),
          section('Gate health', el('dl', {class: 'health'},
            el('dt', null, 'Store'), el('dd', null, el('span', {class: 'ok'}, health.store || '—'), ' (' + (health.store_kind || '') + ')'),
            el('dt', null, 'Schema version'), el('dd', null, fmt(health.schema_version, 0)),
            el('dt', null, 'Last scheduled run'), el('dd', null, when(health.last_scheduled_run)),
            el('dt', null, 'Stuck sessions'), el('dd', {class: health.stuck_sessions ? 'bad' : null},
              String(health.stuck_sessions) + ' (processing > ' + health.stuck_minutes + ' min)')))),
        section('Latest scores', sortableTable([
          {label: 'Scored', cell: function (r) { return whenCell(r.created_at); }},
          {label: 'Repository', cell: function (r) { return r.repository; }},
          {label: 'PR', num: true, cell: function (r) { return prLink(r.id, r.pr_number === null ? 'local' : '#' + r.pr_number); }},
          {label: 'Title / branch', cell: function (r) { return el('span', {class: 'title'}, r.title || r.head_ref || '—'); }},
          {label: 'Author', cell: function (r) { return r.author || '—'; }},
          {label: 'Score', num: true, cell: function (r) { return scoreCell(r.stabilized_score); }},
          {label: 'Decision', cell: function (r) { return badge(r.decision); }}], d.recent || [], '', null),
          el('a', {href: boot.links.prs, class: 'button'}, 'All pull requests')),
        section('Sessions by status', sortableTable(
          [{label: 'Status', cell: function (r) { return el('span', {class: 'status-pill ' + r.status}, r.status); }},
            {label: 'Sessions', num: true, cell: function (r) { return r.n; }}],
          Object.keys(sessions).map(function (k) { return {status: k, n: sessions[k]}; }), '', null))];
    });
  }

  var PR_DEFAULTS = {repository: '', author: '', decision: '', since: '', until: '', rule: '', sort: '-created_at', offset: 0, limit: 50};
  function prsPage() {
    var state = readState(PR_DEFAULTS);
    var options = live ? apiGet('/filters') : embedded('filters');
    var data = live ? apiGet('/prs', state) : embedded('prs').then(function (all) {
      return pageOf(sortRows(filterPrs(all.rows, state), state.sort), state);
    });
    return Promise.all([options, data]).then(function (got) {
      var opts = got[0], page = got[1];
      function update(change) { Object.assign(state, change); writeState(state, PR_DEFAULTS); refresh(); }
      var form = filterForm([
        selectInput('repository', 'Repository', opts.repositories, state.repository),
        textInput('author', 'Author', state.author),
        selectInput('decision', 'Decision', DECISIONS, state.decision, DECISION_LABEL),
        textInput('since', 'From', state.since, 'date'), textInput('until', 'To', state.until, 'date'),
        selectInput('rule', 'Rule', opts.rules, state.rule)], function (values) { values.offset = 0; update(values); });
      var columns = [
        {label: 'Scored', sort: 'created_at', cell: function (r) { return whenCell(r.created_at); }},
        {label: 'Repository', sort: 'repository', cell: function (r) { return r.repository; }},
        {label: 'PR', sort: 'pr_number', num: true, cell: function (r) { return prLink(r.id, r.pr_number === null ? 'local' : '#' + r.pr_number); }},
        {label: 'Title / branch', cell: function (r) {
          return el('span', {class: 'title'}, r.title || r.head_ref || '—', r.title && r.head_ref ? el('small', null, r.head_ref) : null);
        }},
        {label: 'Author', sort: 'author', cell: function (r) { return r.author || '—'; }},
        {label: 'Score', sort: 'stabilized_score', num: true, cell: function (r) { return scoreCell(r.stabilized_score); }},
        {label: 'Decision', sort: 'decision', cell: function (r) { return badge(r.decision); }},
        {label: 'Critical', sort: 'critical_count', num: true, cell: function (r) { return r.critical_count; }},
        {label: 'Rules', cell: function (r) { return el('span', {class: 'rules'}, (r.rules || []).join(', ')); }}];
      var filtered = function () { return sortRows(filterPrs(boot.data.prs.rows, state), state.sort); };
      var params = Object.assign({}, state); delete params.offset; delete params.limit;
      var held = boot.data && boot.data.prs && boot.data.prs.total > boot.data.prs.rows.length ?
        el('p', {class: 'muted'}, 'This snapshot holds the newest ' + boot.data.prs.rows.length + ' of ' + boot.data.prs.total + ' scores in its period.') : null;
      return [form, held,
        section('Scored pull requests', [
          sortableTable(columns, page.rows, state.sort, function (sort) { update({sort: sort, offset: 0}); }),
          pager(page, function (offset) { update({offset: offset}); })], exportBar('prs', params, filtered))];
    });
  }

  function prPage() {
    return (live ? apiGet('/prs/' + encodeURIComponent(boot.id)) : embedded('pr')).then(function (d) {
      var url = safeUrl(d.url);
      var categories = sortableTable([
        {label: 'Category', cell: function (c) { return c.name; }},
        {label: 'Raw', num: true, cell: function (c) { return fmt(c.raw); }},
        {label: 'Weight', num: true, cell: function (c) { return fmt(c.weight, 0); }},
        {label: 'Weighted', num: true, cell: function (c) { return fmt(c.weighted); }}], d.categories || [], '', null);
      var findings = sortableTable([
        {label: 'Severity', cell: function (f) { return sevBadge(f.severity); }},
        {label: 'Rule', cell: function (f) { return el('code', null, f.rule_id); }},
        {label: 'Location', cell: function (f) { return el('code', {class: 'path'}, (f.path || '') + (f.line ? ':' + f.line : '')); }},
        {label: 'Message', cell: function (f) {
          return el('div', null, f.message, f.snippet ? el('pre', {class: 'snippet'}, f.snippet) : null,
            f.suppressed ? el('small', {class: 'muted'}, ' (suppressed)') : null);
        }},
        {label: 'Penalty', num: true, cell: function (f) { return fmt(f.penalty, 0); }}], d.findings || [], '', null);
      var audit = sortableTable([
        {label: 'When', cell: function (a) { return whenCell(a.at); }},
        {label: 'Event', cell: function (a) { return a.event; }},
        {label: 'Actor', cell: function (a) { return a.actor; }},
        {label: 'Details', cell: function (a) { return el('code', {class: 'details'}, a.details); }}], d.audit || [], '', null);
      var pipeline = d.pipeline || {};
      return [
        el('div', {class: 'prhead'},
          el('div', null,
            el('div', {class: 'muted'}, d.repository, d.pr_number === null ? ' (local change)' : ' #' + d.pr_number),
            el('h2', {class: 'prtitle'}, d.title || d.head_ref || ('Score ' + d.id)),
            el('div', {class: 'meta'}, 'by ', el('b', null, d.author || 'unknown'), ' · head ', el('code', null, String(d.head_sha).slice(0, 12)),
              d.head_ref ? [' · branch ', el('code', null, d.head_ref)] : null, ' · scored ', when(d.created_at)),
            url ? el('a', {class: 'button', href: url, rel: 'noopener noreferrer', target: '_blank'}, 'Open on GitHub') : null),
          el('div', {class: 'bigscore'}, el('div', {class: 'value'}, fmt(d.stabilized_score)), badge(d.decision))),
        el('p', {class: 'reason'}, d.decision_reason || ''),
        el('div', {class: 'grid2'},
          section('Categories', categories),
          section('Pipeline section', el('dl', {class: 'health'},
            el('dt', null, 'Complete'), el('dd', {class: pipeline.complete ? 'ok' : 'bad'}, pipeline.complete ? 'yes' : 'no'),
            el('dt', null, 'Bonus'), el('dd', null, fmt(pipeline.bonus)),
            el('dt', null, 'Missing'), el('dd', null, (pipeline.missing || []).join(', ') || '—'),
            el('dt', null, 'Raw score'), el('dd', null, fmt(d.raw_score)),
            el('dt', null, 'Engine'), el('dd', null, d.engine_version || '—')))),
        section('Findings (' + (d.findings || []).length + ')', findings),
        section('Audit trail', audit)];
    });
  }

  var SESSION_DEFAULTS = {status: '', author: '', sort: '-last_activity', offset: 0, limit: 50};
  function sessionsPage() {
    var state = readState(SESSION_DEFAULTS);
    var data = live ? apiGet('/sessions', state) : embedded('sessions').then(function (all) {
      return pageOf(sortRows(filterSessions(all.rows, state), state.sort), state);
    });
    return data.then(function (page) {
      function update(change) { Object.assign(state, change); writeState(state, SESSION_DEFAULTS); refresh(); }
      var columns = [
        {label: 'Session', cell: function (r) { return el('code', null, r.session_id); }},
        {label: 'Status', sort: 'status', cell: function (r) { return el('span', {class: 'status-pill ' + r.status}, r.status); }},
        {label: 'Author', sort: 'author', cell: function (r) { return r.author || '—'; }},
        {label: 'Branch', cell: function (r) { return r.branch ? el('code', null, r.branch) : '—'; }},
        {label: 'Started', sort: 'started', cell: function (r) { return whenCell(r.started); }},
        {label: 'Last activity', sort: 'last_activity', cell: function (r) { return whenCell(r.last_activity); }},
        {label: 'Files', sort: 'total_files', num: true, cell: function (r) { return r.total_files; }},
        {label: 'Lines', num: true, cell: function (r) { return el('span', null, el('span', {class: 'add'}, '+' + r.total_lines_added), ' ', el('span', {class: 'del'}, '−' + r.total_lines_removed)); }},
        {label: 'Queued', num: true, cell: function (r) { return r.queued_changes; }},
        {label: 'PRs', cell: function (r) {
          var scored = (r.scores || []).map(function (s) { return [prLink(s.id, '#' + (s.pr_number === null ? 'local' : s.pr_number)), ' ', badge(s.decision), ' ']; });
          return scored.length ? scored : (r.prs || []).map(function (n) { return '#' + n; }).join(', ') || '—';
        }}];
      var filtered = function () { return sortRows(filterSessions(boot.data.sessions.rows, state), state.sort); };
      var params = Object.assign({}, state); delete params.offset; delete params.limit;
      return [
        filterForm([selectInput('status', 'Status', STATUSES, state.status), textInput('author', 'Author', state.author)],
          function (values) { values.offset = 0; update(values); }),
        section('Sessions', [sortableTable(columns, page.rows, state.sort, function (sort) { update({sort: sort, offset: 0}); }),
          pager(page, function (offset) { update({offset: offset}); })], exportBar('sessions', params, filtered))];
    });
  }

  var ANALYTICS_DEFAULTS = {since_days: 90, author_sort: '-prs'};
  function analyticsPage() {
    var state = readState(ANALYTICS_DEFAULTS);
    return (live ? apiGet('/analytics', {since_days: state.since_days}) : embedded('analytics')).then(function (d) {
      function update(change) { Object.assign(state, change); writeState(state, ANALYTICS_DEFAULTS); refresh(); }
      var period = live ? filterForm([selectInput('since_days', 'Period (days)', ['30', '90', '180', '365'], String(state.since_days))],
        function (values) { update({since_days: values.since_days || 90}); })
        : el('p', {class: 'muted'}, 'Snapshot of the last ' + d.since_days + ' days.');
      var params = {since_days: d.since_days};
      var authors = d.authors_hidden ? el('p', {class: 'muted', 'data-authors-hidden': 'true'}, 'Author names are hidden by this team\'s configuration (dashboard.hide_authors).')
        : sortableTable([
          {label: 'Author', sort: 'author', cell: function (a) { return a.author || '—'; }},
          {label: 'PRs', sort: 'prs', num: true, cell: function (a) { return a.prs; }},
          {label: 'Average score', sort: 'average_score', num: true, cell: function (a) { return scoreCell(a.average_score); }},
          {label: 'Block rate', sort: 'block_rate', num: true, cell: function (a) { return fmt(a.block_rate * 100, 1) + ' %'; }}],
        sortRows(d.authors, state.author_sort), state.author_sort, function (sort) { update({author_sort: sort}); });
      var rules = d.top_rules.map(function (r) { return {label: r.rule_id, severity: r.severity, findings: r.findings}; });
      return [period,
        el('div', {class: 'grid2'},
          section('Average score per week', line(d.weekly, 'week', 'average_score', 10), exportBar('weekly', params, function () { return d.weekly; })),
          section('Decisions per week', stacked(d.weekly, DECISIONS, 'week'))),
        section('Author performance', authors, d.authors_hidden ? null : exportBar('authors', params, function () { return d.authors; })),
        el('div', {class: 'grid2'},
          section('Top rules', hbar(rules, 'label', 'findings', function (i) { return COLORS[i.severity]; }), exportBar('rules', params, function () { return d.top_rules; })),
          section('Findings by severity', hbar(d.by_severity, 'severity', 'findings', function (i) { return COLORS[i.severity]; }), exportBar('severity', params, function () { return d.by_severity; }))),
        el('div', {class: 'grid2'},
          section('Findings by folder', hbar(d.by_folder, 'folder', 'findings', function () { return '#5b8def'; }), exportBar('folders', params, function () { return d.by_folder; })),
          section('Findings per week', stacked(pivot(d.findings_weekly), SEVERITIES, 'week')))];
    });
  }
  function pivot(rows) {
    var weeks = {}, order = [];
    rows.forEach(function (r) {
      if (!weeks[r.week]) { weeks[r.week] = {week: r.week}; order.push(r.week); }
      weeks[r.week][r.severity] = r.findings;
    });
    return order.sort().map(function (w) { return weeks[w]; });
  }

  /* ---------- drawing and live refresh ---------- */
  var PAGES = {overview: overviewPage, prs: prsPage, pr: prPage, sessions: sessionsPage, analytics: analyticsPage};
  var TITLES = {overview: 'Overview', prs: 'Pull requests', pr: 'Pull request', sessions: 'Sessions', analytics: 'Analytics'};
  var drawing = false, again = false;
  function refresh() {
    if (drawing) { again = true; return; }
    drawing = true;
    PAGES[boot.page]().then(function (nodes) {
      var title = el('h1', null, TITLES[boot.page]);
      clear(main);
      add(main, [title, nodes]);
      main.setAttribute('data-ready', String(Date.now()));
    }).catch(function (error) {
      clear(main);
      add(main, [el('h1', null, TITLES[boot.page]), el('div', {class: 'error', role: 'alert'}, String(error.message || error))]);
      main.setAttribute('data-ready', 'error');
    }).then(function () {
      drawing = false;
      if (again) { again = false; refresh(); }
    });
  }
  function connect() {
    var source = new EventSource(boot.api + '/events');
    var timer = null;
    var lost = false;
    function offline(text) { lost = true; statusEl.textContent = text; statusEl.className = 'status'; }
    /* "Live" only once the server's change feed listens: a new score will then show up. */
    source.addEventListener('open', function () { statusEl.textContent = 'Connecting…'; statusEl.className = 'status'; });
    source.addEventListener('ready', function () {
      statusEl.textContent = '● Live'; statusEl.className = 'status live';
      if (lost) { lost = false; refresh(); }
    });
    source.addEventListener('down', function () { offline('Store unreachable · retrying'); });
    source.addEventListener('error', function () { offline('Reconnecting…'); });
    source.addEventListener('change', function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  }
  boot.columns = boot.columns || {};
  refresh();
  if (live) { connect(); } else { statusEl.textContent = 'Snapshot · ' + when(boot.generated_at); }
})();
