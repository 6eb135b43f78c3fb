// forestwatch report: renders the data embedded in this page. No network access.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const S = data.summary;
  const span = S.bucket_span_ms || 60000;
  const COLORS = { critical: "#fe5050", major: "#fba740", minor: "#fdec25", warning: "#8bc8fb" };

  function severity(score) {
    if (score >= 75) return "critical";
    if (score >= 50) return "major";
    if (score >= 25) return "minor";
    return "warning";
  }
  // Anomaly Explorer's bands: below 3 is "low", drawn pale, so that warnings stand out
  function cellClass(score) { return score <= 0 ? "sev-none" : score < 3 ? "sev-low" : "sev-" + severity(score); }
  function iso(ms) { return new Date(ms).toISOString().replace("T", " ").replace(":00.000Z", "Z"); }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(fmt).join(", ");
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : String(Math.round(v * 1000) / 1000);
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }
  function badge(score) { return el("span", { class: "badge sev-" + severity(score), text: severity(score) }); }

  // ---- summary header ----
  function renderSummary() {
    const h = document.getElementById("summary");
    h.append(el("h1", { text: "forestwatch report: job " + S.job_id }));
    const facts = el("div", { class: "facts" });
    const fact = (label, value) => facts.append(el("div", {}, el("span", { class: "muted", text: label }),
      el("b", { text: value })));
    fact("from", S.records ? iso(S.start) : "-");
    fact("to", S.records ? iso(S.end) : "-");
    fact("bucket span", (span / 1000) + " s");
    fact("series", S.series + (S.series_shown < S.series ? " (top " + S.series_shown + " shown)" : ""));
    fact("records", S.records.toLocaleString("en"));
    fact("events", S.events.toLocaleString("en"));
    fact("alerts", String(S.alerts));
    const dead = S.dead_letters.reduce((n, d) => n + d.count, 0);
    fact("dead letters", String(dead));
    fact("renormalized results", String(S.renormalized));
    h.append(facts);
    if (dead > 0) {
      const t = el("table", { id: "dead-letter-table" });
      t.append(el("thead", {}, el("tr", {}, el("th", { text: "dead-letter reason" }), el("th", { text: "count" }),
        el("th", { text: "examples" }))));
      const body = el("tbody");
      for (const d of S.dead_letters) {
        const ex = el("td");
        for (const e of d.examples) ex.append(el("pre", { text: (e.detail ? e.detail + "\n" : "") + e.payload }));
        body.append(el("tr", {}, el("td", {}, el("code", { text: d.reason })), el("td", { text: String(d.count) }), ex));
      }
      t.append(body);
      h.append(el("h2", { text: "Dead letters" }), t);
    }
    const unread = Object.entries(S.unreadable_lines || {});
    if (unread.length) {
      h.append(el("p", { class: "muted", text: "Unreadable lines skipped: " +
        unread.map(([k, v]) => k + " " + v).join(", ") }));
    }
    if (S.spec) {
      const d = el("details", {}, el("summary", { text: "Job spec" }), el("pre", { text: S.spec }));
      h.append(d);
    }
  }

  // ---- anomaly timeline (swimlane) ----
  function renderTimeline() {
    const T = data.timeline;
    const lanes = document.getElementById("lanes");
    const style = "grid-template-columns: repeat(" + T.columns + ", 1fr)";
    const addLane = (label, lane, id) => {
      lanes.append(el("div", { class: "lane-label", title: label, text: label }));
      const row = el("div", { class: "lane", style: style, id: id });
      lane.scores.forEach((score, c) => {
        const from = T.start + c * T.column_ms;
        const top = lane.top_series[c];
        const cell = el("div", {
          class: "cell " + cellClass(score) + (top >= 0 ? " clickable" : ""),
          "data-score": String(score), "data-column": String(c),
          title: label + "\n" + iso(from) + " .. " + iso(from + T.column_ms) + "\nmax score " + score +
            (top >= 0 ? "\ntop series: " + data.series[top].label : ""),
        });
        if (top >= 0) cell.addEventListener("click", () => selectSeries(top, from + T.column_ms / 2, T.column_ms));
        row.append(cell);
      });
      lanes.append(row);
    };
    addLane("Overall", T.overall, "lane-overall");
    T.influencers.forEach((l, i) => addLane(l.field + ": " + l.value, l, "lane-" + i));
    lanes.append(el("div"), el("div", { class: "axis" },
      el("span", { text: iso(T.start) }),
      el("span", { text: iso(T.start + T.columns * T.column_ms / 2) }),
      el("span", { text: iso(T.start + T.columns * T.column_ms) })));
    const legend = el("p", { class: "legend muted" });
    for (const s of ["low", "warning", "minor", "major", "critical"]) {
      legend.append(el("span", {}, el("i", { class: "sev-" + s }), s));
    }
    legend.append(el("span", { text: (T.column_ms / 1000) + " s per cell; " + T.influencers.length + " of " +
      T.lanes_total + " influencer values (highest scores)" }));
    document.getElementById("timeline").append(legend);
  }

  // ---- single metric view ----
  let charts = [];
  let current = -1;
  function chartWidth() { return Math.max(600, document.getElementById("single").clientWidth - 40); }

  function valueData(s) {
    const n = s.t.length;
    // anomaly markers at full resolution, merged into the x values of the (downsampled) lines
    const marks = new Map();
    for (const [t, v, score] of s.anomalies) marks.set(t, [v, score]);
    const xs = Array.from(new Set(s.t.concat(s.anomalies.map(a => a[0])))).sort((a, b) => a - b);
    const at = new Map(s.t.map((t, i) => [t, i]));
    const cols = [xs];
    for (const key of ["actual_max", "actual_min", "typical", "upper", "lower"]) {
      cols.push(xs.map(x => (at.has(x) ? s[key][at.get(x)] : null)));
    }
    for (const sev of ["minor", "major", "critical"]) {
      cols.push(xs.map(x => {
        const m = marks.get(x);
        return m && severity(m[1]) === sev ? m[0] : null;
      }));
    }
    return { cols, n };
  }

  function scoreData(s) {
    const alertTimes = new Map();
    for (const a of data.alerts) if (a.series === current) alertTimes.set(a.timestamp, a.score || 0);
    const xs = Array.from(new Set(s.t.concat([...alertTimes.keys()]))).sort((a, b) => a - b);
    const at = new Map(s.t.map((t, i) => [t, i]));
    const cutoff = s.cutoff || [];
    let ci = -1;
    const cutoffAt = xs.map(x => {
      while (ci + 1 < cutoff.length && cutoff[ci + 1][0] <= x) ci++;
      return ci >= 0 ? cutoff[ci][1] : null;
    });
    return [xs,
      xs.map(x => (at.has(x) ? s.raw[at.get(x)] : null)),
      cutoffAt,
      xs.map(x => (at.has(x) ? s.score[at.get(x)] : null)),
      xs.map(x => (alertTimes.has(x) ? alertTimes.get(x) : null))];
  }

  const utc = ts => uPlot.tzDate(new Date(ts), "Etc/UTC");
  const dots = (color, size) => ({ stroke: color, fill: color, paths: () => null,
    points: { show: true, size: size, stroke: "#333", fill: color, width: 1 } });

  let syncing = false;
  function syncHook(u) {
    if (syncing) return;
    syncing = true;
    const min = u.scales.x.min, max = u.scales.x.max;
    for (const c of charts) if (c !== u) c.setScale("x", { min, max });
    const view = document.getElementById("single");
    view.setAttribute("data-x-min", String(Math.round(min)));
    view.setAttribute("data-x-max", String(Math.round(max)));
    syncing = false;
  }

  function drawSeries(index) {
    for (const c of charts) c.destroy();
    charts = [];
    const s = data.series[index];
    const width = chartWidth();
    const v = valueData(s);
    const values = new uPlot({
      width, height: 300, ms: 1, tzDate: utc, title: "actual, typical and model bounds",
      series: [
        {},
        { label: s.downsampled ? "actual (max)" : "actual", stroke: "#006bb4", width: 1.5, spanGaps: true },
        { label: "actual (min)", stroke: "#006bb4", width: 1, spanGaps: true, show: s.downsampled },
        { label: "typical", stroke: "#54b399", width: 1, dash: [4, 3], spanGaps: true },
        { label: "upper bound", stroke: "rgba(84,179,153,0.4)", width: 1, spanGaps: true },
        { label: "lower bound", stroke: "rgba(84,179,153,0.4)", width: 1, spanGaps: true },
        Object.assign({ label: "minor" }, dots(COLORS.minor, 8)),
        Object.assign({ label: "major" }, dots(COLORS.major, 10)),
        Object.assign({ label: "critical" }, dots(COLORS.critical, 12)),
      ],
      bands: [{ series: [4, 5], fill: "rgba(84,179,153,0.15)" }].concat(
        s.downsampled ? [{ series: [1, 2], fill: "rgba(0,107,180,0.15)" }] : []),
      hooks: { setScale: [(u, key) => key === "x" && syncHook(u)] },
    }, v.cols, document.getElementById("chart-values"));
    charts.push(values);
    const scores = new uPlot({
      width, height: 200, ms: 1, tzDate: utc, title: "raw score, cutoff, record score and alerts",
      scales: { score: { range: [0, 100] } },
      axes: [{}, { scale: "raw", label: "raw score" }, { scale: "score", side: 1, label: "record score",
        grid: { show: false } }],
      series: [
        {},
        { label: "raw score", scale: "raw", stroke: "#6092c0", width: 1, spanGaps: true },
        { label: "cutoff", scale: "raw", stroke: "#bd271e", dash: [6, 3], width: 1.5, spanGaps: true,
          paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "record score", scale: "score", stroke: "#d36086", width: 1, spanGaps: true },
        Object.assign({ label: "alert", scale: "score" }, dots("#bd271e", 11)),
      ],
      hooks: { setScale: [(u, key) => key === "x" && syncHook(u)] },
    }, scoreData(s), document.getElementById("chart-scores"));
    charts.push(scores);
  }

  function selectSeries(index, center, halfWidth) {
    if (index < 0 || index >= data.series.length) return;
    const s = data.series[index];
    if (index !== current) {
      current = index;
      drawSeries(index);
    }
    document.getElementById("series-select").value = String(index);
    document.getElementById("series-title").textContent = s.label;
    const view = document.getElementById("single");
    view.setAttribute("data-series-index", String(index));
    document.getElementById("series-facts").textContent = "max score " + s.max_score + ", " + s.records +
      " records" + (s.downsampled ? " (drawn as " + s.t.length + " min/max points)" : "") +
      (s.cutoff_kind ? ", cutoff of " + s.cutoff_kind : "") +
      (s.influencers.length ? ", influencers " + s.influencers.slice(0, 5).join(" ") : "");
    if (center !== undefined) {
      const w = Math.max(halfWidth || 0, 60 * span);
      charts[0].setScale("x", { min: center - w, max: center + w });
    } else {
      charts[0].setScale("x", { min: s.t[0], max: s.t[s.t.length - 1] + span });
    }
  }

  function renderSeriesSelector() {
    const select = document.getElementById("series-select");
    data.series.forEach((s, i) => select.append(el("option", { value: String(i),
      text: s.label + " (max " + s.max_score + ")" })));
    select.addEventListener("change", () => selectSeries(Number(select.value)));
    document.getElementById("reset-zoom").addEventListener("click", () => {
      const s = data.series[current];
      if (s) charts[0].setScale("x", { min: s.t[0], max: s.t[s.t.length - 1] + span });
    });
  }

  // ---- sortable tables ----
  function sortableTable(table, columns, rows, onClick, initialKey) {
    let key = initialKey, desc = true;
    const head = el("tr");
    columns.forEach(c => {
      const th = el("th", { class: c.sort ? "sortable" : "", text: c.label, "data-key": c.key });
      if (c.sort) th.addEventListener("click", () => {
        desc = key === c.key ? !desc : true;
        key = c.key;
        render();
      });
      head.append(th);
    });
    table.tHead.append(head);
    function render() {
      const col = columns.find(c => c.key === key);
      const sorted = rows.slice().sort((a, b) => {
        const x = col.sort(a), y = col.sort(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      });
      for (const th of head.children) {
        th.classList.remove("sorted-asc", "sorted-desc");
        if (th.dataset.key === key) th.classList.add(desc ? "sorted-desc" : "sorted-asc");
      }
      const body = table.tBodies[0];
      body.replaceChildren();
      sorted.forEach(r => {
        const tr = el("tr", { class: onClick && r.series !== undefined ? "clickable" : "" });
        columns.forEach(c => {
          const v = c.render(r);
          tr.append(v instanceof Node ? el("td", {}, v) : el("td", { text: v }));
        });
        if (onClick && r.series !== undefined) tr.addEventListener("click", () => {
          for (const other of body.querySelectorAll("tr.selected")) other.classList.remove("selected");
          tr.classList.add("selected");
          onClick(r);
        });
        body.append(tr);
      });
    }
    render();
  }

  function renderTables() {
    const label = r => (r.series !== undefined ? data.series[r.series].label : "");
    sortableTable(document.getElementById("top-table"), [
      { key: "t", label: "time", sort: r => r.t, render: r => iso(r.t) },
      { key: "series", label: "series", sort: label, render: label },
      { key: "severity", label: "severity", sort: r => r.score, render: r => badge(r.score) },
      { key: "score", label: "score", sort: r => r.score, render: r => String(r.score) },
      { key: "initial", label: "initial score", sort: r => r.initial, render: r => String(r.initial) },
      { key: "actual", label: "actual", sort: r => r.actual[0] ?? 0, render: r => fmt(r.actual) },
      { key: "typical", label: "typical", sort: r => r.typical[0] ?? 0, render: r => fmt(r.typical) },
      { key: "reason", label: "reason", render: r => r.reason },
      { key: "influencers", label: "influencers", render: r => r.influencers.join(" ") },
    ], data.top, r => {
      selectSeries(r.series, r.t);
      document.getElementById("single").scrollIntoView();
    }, "score");
    sortableTable(document.getElementById("alert-table"), [
      { key: "t", label: "time", sort: a => a.timestamp, render: a => iso(a.timestamp) },
      { key: "severity", label: "severity", sort: a => a.score || 0, render: a => badge(a.score || 0) },
      { key: "policy", label: "policy", sort: a => a.policy, render: a => a.policy + " (" + a.mode + ", " + a.level + ")" },
      { key: "entity", label: "entity", sort: a => a.entity, render: a => a.entity },
      { key: "message", label: "message", render: a => a.message },
    ], data.alerts, a => selectSeries(a.series, a.timestamp), "t");
  }

  renderSummary();
  renderTimeline();
  renderSeriesSelector();
  renderTables();
  if (data.series.length) {
    selectSeries(0);
  } else {
    document.getElementById("series-title").textContent = "no records in these results";
  }
  window.forestwatchReport = { data, selectSeries, ready: true };
  document.body.setAttribute("data-ready", "true");
})();
