/*
 * InfraKit web console: polls the JSON API of this endpoint every second and shows the groups, the selected group's
 * members, rollout, revisions and events, the plugins and the manager's leadership; posts the operator's actions with
 * the access token. Plain JavaScript, no build step, nothing loaded from elsewhere: it runs under the strict
 * Content-Security-Policy "default-src 'self'" (no inline script, no inline style, no eval). Text from the API is
 * only ever set as text (textContent), never parsed as HTML.
 */
'use strict';

(function () {
  const POLL_MS = 1000;
  const REQUEST_TIMEOUT_MS = 5000;
  const MAX_EVENTS = 200;
  const TOKEN_KEY = 'infrakit.web.token';
  const TOKEN_HEADER = 'X-InfraKit-Token';
  const NONE = '—';

  /** Status words (GroupDescription.Status) to the badge's class. */
  const STATUS_CLASS = {
    Converged: 'ok',
    Converging: 'busy', Rolling: 'busy', RollingBack: 'busy', Starting: 'busy', Destroying: 'busy',
    Paused: 'warn', Stopped: 'warn', RolledBack: 'warn', WaitingForPlugin: 'warn',
    Failed: 'bad', Error: 'bad'
  };
  const HEALTH_CLASS = {Healthy: 'ok', Unhealthy: 'bad', Unknown: 'warn'};
  const ACTION_LABEL = {pause: 'Pause', resume: 'Resume', stop: 'Stop', rollback: 'Rollback', destroy: 'Destroy'};

  const $ = (id) => document.getElementById(id);

  const state = {
    selected: null, // the selected group's ID
    epoch: 0, // bumped at each selection: answers for an earlier one are dropped
    lastSeq: 0, // the greatest event Seq seen for the selected group
    events: [], // the selected group's events, newest first, at most MAX_EVENTS
    historySignature: null,
    group: null, // the selected group's last GroupStatus
    timer: null,
    polling: false,
    polls: 0, // the polls that reached the endpoint
    again: false,
    acting: false,
    memoryToken: '' // when sessionStorage is not available
  };

  // ---------------------------------------------------------------- small helpers

  function setText(element, text) {
    const value = text === undefined || text === null ? '' : String(text);
    if (element.textContent !== value) {
      element.textContent = value;
    }
  }

  function show(element, visible) {
    if (element.hidden === visible) {
      element.hidden = !visible;
    }
  }

  /** Shows an error paragraph with the text, or hides it when the text is empty. */
  function showError(element, text) {
    setText(element, text || '');
    show(element, Boolean(text));
  }

  function orNone(value) {
    return value === undefined || value === null || value === '' ? NONE : String(value);
  }

  function shortSha(sha) {
    return sha ? String(sha).slice(0, 8) : NONE;
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  /** A time in milliseconds as local "YYYY-MM-DD HH:MM:SS". */
  function formatTime(ms) {
    if (typeof ms !== 'number' || !isFinite(ms) || ms <= 0) {
      return NONE;
    }
    const d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
      + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function timeElement(ms) {
    const time = document.createElement('time');
    if (typeof ms === 'number' && isFinite(ms) && ms > 0) {
      time.dateTime = new Date(ms).toISOString();
    }
    time.textContent = formatTime(ms);
    return time;
  }

  function setClasses(element, base, variant) {
    const wanted = [base, variant].filter(Boolean).join(' ');
    if (element.className !== wanted) {
      element.className = wanted;
    }
  }

  function cell(tag, field) {
    const c = document.createElement(tag);
    if (field) {
      c.dataset.field = field;
    }
    return c;
  }

  /**
   * Brings a table body's rows in line with a list, keyed, so rows (and the focus in them) stay while their text
   * changes.
   */
  function syncRows(tbody, items, keyOf, create, update) {
    const existing = new Map();
    Array.from(tbody.rows).forEach((row) => existing.set(row.dataset.key, row));
    let previous = null;
    items.forEach((item) => {
      const key = String(keyOf(item));
      let row = existing.get(key);
      if (row) {
        existing.delete(key);
      } else {
        row = create(item);
        row.dataset.key = key;
      }
      update(row, item);
      const expected = previous ? previous.nextElementSibling : tbody.firstElementChild;
      if (expected !== row) {
        tbody.insertBefore(row, expected);
      }
      previous = row;
    });
    existing.forEach((row) => row.remove());
  }

  // ---------------------------------------------------------------- the token

  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch (e) {
      return state.memoryToken;
    }
  }

  function storeToken(value) {
    state.memoryToken = value;
    try {
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) {
      // kept in memory only
    }
  }

  function token() {
    return $('token').value.trim();
  }

  /** Takes ?token=… (as infrakit:web-token prints the address) into the session and out of the address bar. */
  function takeTokenFromAddress() {
    let url;
    try {
      url = new URL(window.location.href);
    } catch (e) {
      return false;
    }
    if (!url.searchParams.has('token')) {
      return false;
    }
    const value = (url.searchParams.get('token') || '').trim();
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    if (value) {
      storeToken(value);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- the API

  /**
   * One request to the API. Never throws: a request that did not reach the endpoint answers status 0 and the reason
   * in error.
   */
  async function api(path, method) {
    const headers = {Accept: 'application/json'};
    const t = token();
    if (t) {
      headers[TOKEN_HEADER] = t; // reading needs it too when the endpoint is bound to another address than loopback
    }
    const init = {method: method || 'GET', headers: headers, cache: 'no-store', credentials: 'same-origin'};
    let controller = null;
    let timeout = null;
    if (typeof AbortController === 'function') {
      controller = new AbortController();
      init.signal = controller.signal;
      timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    }
    try {
      const response = await fetch(path, init);
      const text = await response.text();
      let body = null;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch (e) {
          body = null;
        }
      }
      let error = null;
      if (!response.ok) {
        error = body && typeof body.error === 'string' && body.error
          ? body.error
          : 'HTTP ' + response.status + (response.statusText ? ' ' + response.statusText : '')
            + (text ? ': ' + text.slice(0, 200) : '');
      }
      return {status: response.status, ok: response.ok, body: body, error: error};
    } catch (e) {
      const reason = e && e.name === 'AbortError'
        ? 'no answer within ' + (REQUEST_TIMEOUT_MS / 1000) + ' s'
        : (e && e.message) || String(e);
      return {status: 0, ok: false, body: null, error: 'Cannot reach the endpoint (' + reason + ')'};
    } finally {
      if (timeout !== null) {
        clearTimeout(timeout);
      }
    }
  }

  function groupPath(id, rest) {
    return '/api/groups/' + encodeURIComponent(id) + (rest || '');
  }

  // ---------------------------------------------------------------- polling

  function schedule(ms) {
    if (state.timer !== null) {
      clearTimeout(state.timer);
    }
    state.timer = setTimeout(poll, ms);
  }

  /** Polls now (or right after the poll that runs). */
  function kick() {
    if (state.polling) {
      state.again = true;
    } else {
      schedule(0);
    }
  }

  async function poll() {
    state.timer = null;
    state.polling = true;
    try {
      await refresh();
    } catch (e) {
      // a bug of this page, not of the endpoint: shown, and polling goes on
      showConnection('error', 'The console failed to show the answer: ' + ((e && e.message) || e));
      if (window.console) {
        window.console.error(e);
      }
    } finally {
      state.polling = false;
      const again = state.again;
      state.again = false;
      schedule(again ? 0 : POLL_MS);
    }
  }

  async function refresh() {
    const selected = state.selected;
    const epoch = state.epoch;
    const requests = [api('/api/groups'), api('/api/plugins'), api('/api/manager')];
    if (selected !== null) {
      requests.push(api(groupPath(selected)), api(groupPath(selected, '/history')),
        api(groupPath(selected, '/events?after=' + state.lastSeq + '&limit=' + MAX_EVENTS)));
    }
    const answers = await Promise.all(requests);
    const unreachable = answers.find((a) => a.status === 0);
    if (unreachable) {
      showConnection('error', unreachable.error + ' at ' + window.location.origin + '; retrying every second.');
    } else {
      showConnection('ok', 'Connected to ' + window.location.origin + '; refreshed every second.');
      const updated = $('updated');
      setText(updated, formatTime(Date.now()));
      updated.dateTime = new Date().toISOString();
    }
    renderGroups(answers[0]);
    renderPlugins(answers[1]);
    renderManager(answers[2]);
    if (selected !== null && selected === state.selected && epoch === state.epoch) {
      renderGroup(answers[3]);
      renderHistory(answers[4]);
      renderEvents(answers[5]);
    }
    if (!unreachable) {
      state.polls++;
      $('updated').dataset.polls = String(state.polls); // for tests: what is shown is at least this fresh
    }
  }

  function showConnection(kind, text) {
    const element = $('connection');
    if (element.dataset.state !== kind) {
      element.dataset.state = kind;
      setClasses(element, 'connection', kind);
    }
    setText(element, text);
  }

  // ---------------------------------------------------------------- groups

  function statusBadge(element, status) {
    setText(element, orNone(status));
    setClasses(element, 'badge', STATUS_CLASS[status] || 'unknown');
  }

  function renderGroups(answer) {
    const body = $('groups-body');
    if (!answer.ok) {
      showError($('groups-error'), 'Groups: ' + answer.error);
      return; // the last rows stay, marked by the error above
    }
    showError($('groups-error'), '');
    const groups = Array.isArray(answer.body) ? answer.body : [];
    show($('groups-empty'), groups.length === 0);
    syncRows(body, groups, (g) => g.ID, createGroupRow, updateGroupRow);
  }

  function createGroupRow(g) {
    const row = document.createElement('tr');
    row.dataset.testid = 'group-row';
    row.dataset.group = g.ID;
    const head = cell('th', 'ID');
    head.scope = 'row';
    const link = document.createElement('a');
    link.href = '#group=' + encodeURIComponent(g.ID);
    link.className = 'select';
    link.dataset.testid = 'select-group';
    link.dataset.group = g.ID;
    link.textContent = g.ID;
    head.appendChild(link);
    row.appendChild(head);
    const status = cell('td', 'Status');
    status.appendChild(document.createElement('span'));
    row.appendChild(status);
    ['Desired', 'Current', 'Ready', 'UpToDate', 'Revision'].forEach((field) => {
      const c = cell('td', field);
      c.className = 'num';
      row.appendChild(c);
    });
    row.appendChild(cell('td', 'Update'));
    row.appendChild(cell('td', 'Error'));
    return row;
  }

  function updateGroupRow(row, g) {
    const fields = row.querySelectorAll('[data-field]');
    const byField = {};
    fields.forEach((c) => {
      byField[c.dataset.field] = c;
    });
    row.dataset.status = g.Status || '';
    row.dataset.revision = String(g.Revision || 0);
    statusBadge(byField.Status.firstElementChild, g.Status);
    ['Desired', 'Current', 'Ready', 'UpToDate', 'Revision'].forEach((field) => setText(byField[field], orNone(g[field])));
    setText(byField.Update, g.Update || '');
    setText(byField.Error, g.Error || '');
    setClasses(byField.Error, '', g.Error ? 'error-text' : '');
    const link = row.querySelector('a.select');
    if (g.ID === state.selected) {
      link.setAttribute('aria-current', 'true');
      row.classList.add('selected');
    } else {
      link.removeAttribute('aria-current');
      row.classList.remove('selected');
    }
  }

  function markSelectedRow() {
    Array.from($('groups-body').rows).forEach((row) => {
      const link = row.querySelector('a.select');
      const selected = row.dataset.group === state.selected;
      row.classList.toggle('selected', selected);
      if (selected) {
        link.setAttribute('aria-current', 'true');
      } else {
        link.removeAttribute('aria-current');
      }
    });
  }

  // ---------------------------------------------------------------- the selected group

  function selectedFromAddress() {
    const match = /^#group=(.+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return null;
    }
  }

  function select(id) {
    if (id === state.selected) {
      return;
    }
    state.selected = id;
    state.epoch++;
    state.lastSeq = 0;
    state.events = [];
    state.historySignature = null;
    state.group = null;
    ['members-body', 'history-body', 'events-body'].forEach((b) => $(b).replaceChildren());
    ['group-error', 'history-error', 'events-error'].forEach((e) => showError($(e), ''));
    resetRollbackChoices();
    setText($('action-status'), '');
    delete $('action-status').dataset.outcome;
    delete $('action-status').dataset.httpStatus;
    show($('group'), id !== null);
    $('group').dataset.group = id || '';
    setText($('group-id'), id || '');
    ['group-status', 'group-revision', 'group-sha', 'group-counts', 'group-last-error', 'rollout-update',
      'rollout-progress-text'].forEach((e) => setText($(e), ''));
    markSelectedRow();
    if (id !== null) {
      kick();
    }
  }

  function renderGroup(answer) {
    if (!answer.ok) {
      showError($('group-error'), 'Group ' + state.selected + ': ' + answer.error);
      return;
    }
    showError($('group-error'), '');
    const g = answer.body || {};
    state.group = g;
    const detail = $('group');
    detail.dataset.status = g.Status || '';
    detail.dataset.revision = String(g.Revision || 0);
    detail.dataset.configSha = g.ConfigSHA || '';
    statusBadge($('group-status'), g.Status);
    setText($('group-revision'), orNone(g.Revision));
    setText($('group-sha'), orNone(g.ConfigSHA));
    setText($('group-counts'), [g.Desired, g.Current, g.Ready, g.UpToDate].map(orNone).join(' / '));
    setText($('group-last-error'), g.Error || 'none');
    setText($('rollout-update'), g.Update || 'No rollout.');
    const desired = Math.max(0, Number(g.Desired) || 0);
    const upToDate = Math.max(0, Number(g.UpToDate) || 0);
    const progress = $('rollout-progress');
    const max = Math.max(1, desired);
    if (progress.max !== max) {
      progress.max = max;
    }
    const value = Math.min(upToDate, max);
    if (progress.value !== value) {
      progress.value = value;
    }
    setText($('rollout-progress-text'), upToDate + ' of ' + desired + ' up to date');
    const members = Array.isArray(g.Members) ? g.Members : [];
    show($('members-empty'), members.length === 0);
    syncRows($('members-body'), members, (m) => m.ID, createMemberRow, updateMemberRow);
  }

  function createMemberRow(m) {
    const row = document.createElement('tr');
    row.dataset.testid = 'member';
    row.dataset.instance = m.ID;
    const head = cell('th', 'ID');
    head.scope = 'row';
    head.textContent = m.ID;
    row.appendChild(head);
    row.appendChild(cell('td', 'LogicalID'));
    const health = cell('td', 'Health');
    health.appendChild(document.createElement('span'));
    row.appendChild(health);
    row.appendChild(cell('td', 'UpToDate'));
    const sha = cell('td', 'ConfigSHA');
    sha.appendChild(document.createElement('code'));
    row.appendChild(sha);
    return row;
  }

  function updateMemberRow(row, m) {
    row.dataset.upToDate = m.UpToDate ? 'true' : 'false';
    row.dataset.health = m.Health || '';
    row.dataset.configSha = m.ConfigSHA || '';
    setText(row.querySelector('[data-field="LogicalID"]'), orNone(m.LogicalID));
    const health = row.querySelector('[data-field="Health"] span');
    setText(health, orNone(m.Health));
    setClasses(health, 'badge', HEALTH_CLASS[m.Health] || 'unknown');
    setText(row.querySelector('[data-field="UpToDate"]'), m.UpToDate ? 'yes' : 'no');
    const sha = row.querySelector('[data-field="ConfigSHA"] code');
    setText(sha, shortSha(m.ConfigSHA));
    if (m.ConfigSHA) {
      sha.title = m.ConfigSHA;
    } else {
      sha.removeAttribute('title');
    }
  }

  // ---------------------------------------------------------------- revisions

  function resetRollbackChoices() {
    const choice = $('rollback-revision');
    const first = document.createElement('option');
    first.value = '0';
    first.textContent = 'the revision before the latest';
    choice.replaceChildren(first);
    choice.value = '0';
  }

  function renderHistory(answer) {
    const table = $('history');
    if (!answer.ok) {
      showError($('history-error'), 'Revisions: ' + answer.error);
      if (answer.status !== 0) { // a refusal (409: not kept here): nothing to show or to choose from
        $('history-body').replaceChildren();
        show(table, false);
        if (state.historySignature !== '') {
          state.historySignature = '';
          resetRollbackChoices();
        }
      }
      return;
    }
    showError($('history-error'), '');
    show(table, true);
    const revisions = Array.isArray(answer.body) ? answer.body : [];
    const current = state.group ? state.group.Revision : 0;
    syncRows($('history-body'), revisions, (r) => r.Revision, createRevisionRow,
      (row, r) => updateRevisionRow(row, r, current));
    const signature = revisions.map((r) => r.Revision + ':' + r.ConfigSHA).join(',');
    if (signature !== state.historySignature) {
      state.historySignature = signature;
      fillRollbackChoices(revisions);
    }
  }

  function createRevisionRow(r) {
    const row = document.createElement('tr');
    row.dataset.testid = 'revision';
    row.dataset.revision = String(r.Revision);
    const head = cell('th', 'Revision');
    head.scope = 'row';
    head.className = 'num';
    row.appendChild(head);
    const sha = cell('td', 'ConfigSHA');
    sha.appendChild(document.createElement('code'));
    row.appendChild(sha);
    row.appendChild(cell('td', 'Time'));
    row.appendChild(cell('td', 'Source'));
    row.appendChild(cell('td', 'Reason'));
    return row;
  }

  function updateRevisionRow(row, r, current) {
    row.dataset.configSha = r.ConfigSHA || '';
    const inForce = r.Revision === current;
    row.classList.toggle('current', inForce);
    setText(row.querySelector('[data-field="Revision"]'), r.Revision + (inForce ? ' (in force)' : ''));
    setText(row.querySelector('[data-field="ConfigSHA"] code'), orNone(r.ConfigSHA));
    const time = row.querySelector('[data-field="Time"]');
    if (time.textContent !== formatTime(r.Time)) {
      time.replaceChildren(timeElement(r.Time));
    }
    setText(row.querySelector('[data-field="Source"]'), orNone(r.Source));
    setText(row.querySelector('[data-field="Reason"]'), r.Reason || '');
  }

  function fillRollbackChoices(revisions) {
    const choice = $('rollback-revision');
    const chosen = choice.value;
    resetRollbackChoices();
    revisions.slice().sort((a, b) => b.Revision - a.Revision).forEach((r) => {
      const option = document.createElement('option');
      option.value = String(r.Revision);
      option.textContent = 'revision ' + r.Revision + ' (' + shortSha(r.ConfigSHA) + ', ' + formatTime(r.Time)
        + (r.Reason ? ', ' + r.Reason : '') + ')';
      choice.appendChild(option);
    });
    if (Array.from(choice.options).some((o) => o.value === chosen)) {
      choice.value = chosen;
    }
  }

  // ---------------------------------------------------------------- events

  function renderEvents(answer) {
    if (!answer.ok) {
      showError($('events-error'), 'Events: ' + answer.error);
      return;
    }
    showError($('events-error'), '');
    const fresh = (Array.isArray(answer.body) ? answer.body : []).filter((e) => typeof e.Seq === 'number' && e.Seq > state.lastSeq);
    if (fresh.length > 0) {
      fresh.sort((a, b) => a.Seq - b.Seq);
      state.lastSeq = fresh[fresh.length - 1].Seq;
      state.events = fresh.reverse().concat(state.events).slice(0, MAX_EVENTS);
    }
    show($('events-empty'), state.events.length === 0);
    syncRows($('events-body'), state.events, (e) => e.Seq, createEventRow, () => {});
  }

  function createEventRow(e) {
    const row = document.createElement('tr');
    row.dataset.testid = 'event';
    row.dataset.seq = String(e.Seq);
    row.dataset.type = e.Type || '';
    if (e.Cause) {
      row.dataset.cause = e.Cause;
    }
    if (e.Instance) {
      row.dataset.instance = e.Instance;
    }
    const time = cell('td', 'Time');
    time.appendChild(timeElement(e.Time));
    row.appendChild(time);
    const type = cell('td', 'Type');
    type.textContent = e.Type || NONE;
    row.appendChild(type);
    const message = cell('td', 'Message');
    message.textContent = e.Message || '';
    const about = [];
    if (e.Revision) {
      about.push('revision ' + e.Revision);
    }
    if (e.Source) {
      about.push('by ' + e.Source);
    }
    if (e.ConfigSHA) {
      about.push('configuration ' + shortSha(e.ConfigSHA));
    }
    if (about.length > 0) {
      const more = document.createElement('span');
      more.className = 'more';
      more.textContent = ' (' + about.join(', ') + ')';
      message.appendChild(more);
    }
    row.appendChild(message);
    const cause = cell('td', 'Cause');
    cause.textContent = e.Cause || '';
    row.appendChild(cause);
    const count = cell('td', 'Count');
    count.className = 'num';
    count.textContent = e.Count ? String(e.Count) : '';
    row.appendChild(count);
    return row;
  }

  // ---------------------------------------------------------------- plugins and manager

  function renderPlugins(answer) {
    if (!answer.ok) {
      showError($('plugins-error'), 'Plugins: ' + answer.error);
      return;
    }
    showError($('plugins-error'), '');
    const plugins = Array.isArray(answer.body) ? answer.body : [];
    syncRows($('plugins-body'), plugins, (p) => p.Name, createPluginRow, updatePluginRow);
  }

  function createPluginRow(p) {
    const row = document.createElement('tr');
    row.dataset.testid = 'plugin';
    row.dataset.plugin = p.Name;
    const head = cell('th', 'Name');
    head.scope = 'row';
    head.textContent = p.Name;
    row.appendChild(head);
    ['Kind', 'Interfaces', 'Bundle', 'Socket', 'Error'].forEach((f) => row.appendChild(cell('td', f)));
    return row;
  }

  function updatePluginRow(row, p) {
    setText(row.querySelector('[data-field="Kind"]'), p.Local ? 'local' : 'socket');
    const interfaces = (Array.isArray(p.Interfaces) ? p.Interfaces : []).map((i) => i.Name + ' ' + i.Version);
    const parts = interfaces.length > 0 ? [interfaces.join(', ')] : [];
    if (Array.isArray(p.Types) && p.Types.length > 0) {
      parts.push('types: ' + p.Types.join(', '));
    }
    const text = parts.length > 0 ? parts.join('; ') : NONE;
    setText(row.querySelector('[data-field="Interfaces"]'), text);
    setText(row.querySelector('[data-field="Bundle"]'), orNone(p.Bundle));
    setText(row.querySelector('[data-field="Socket"]'), orNone(p.Socket));
    const error = row.querySelector('[data-field="Error"]');
    setText(error, p.Error || '');
    setClasses(error, '', p.Error ? 'error-text' : '');
  }

  function renderManager(answer) {
    if (answer.status === 404) {
      showError($('manager-error'), '');
      show($('manager-none'), true);
      show($('manager'), false);
      return;
    }
    if (!answer.ok) {
      showError($('manager-error'), 'Manager: ' + answer.error);
      return;
    }
    showError($('manager-error'), '');
    show($('manager-none'), false);
    show($('manager'), true);
    const m = answer.body || {};
    const role = $('manager-role');
    setText(role, orNone(m.Role));
    setClasses(role, 'badge', m.Role === 'LEADER' ? 'ok' : m.Role === 'FOLLOWER' ? 'warn' : 'unknown');
    setText($('manager-leader'), orNone(m.Leader));
    setText($('manager-detail'), orNone(m.Detail));
  }

  // ---------------------------------------------------------------- actions

  function showActionStatus(outcome, text, httpStatus) {
    const line = $('action-status');
    line.dataset.outcome = outcome;
    if (httpStatus === undefined) {
      delete line.dataset.httpStatus;
    } else {
      line.dataset.httpStatus = String(httpStatus);
    }
    setClasses(line, 'action-status', outcome);
    setText(line, text);
  }

  function setActing(acting) {
    state.acting = acting;
    document.querySelectorAll('#group .actions button').forEach((b) => {
      b.disabled = acting;
    });
    $('group').setAttribute('aria-busy', acting ? 'true' : 'false');
  }

  async function act(action) {
    const id = state.selected;
    if (id === null || state.acting) {
      return;
    }
    let path = groupPath(id, '/' + action);
    const label = ACTION_LABEL[action];
    let what = label + ' of ' + id;
    if (action === 'rollback') {
      const revision = $('rollback-revision').value || '0';
      path += '?revision=' + encodeURIComponent(revision);
      what = 'Rollback of ' + id + (revision === '0' ? ' to the revision before the latest' : ' to revision ' + revision);
    }
    setActing(true);
    showActionStatus('pending', what + '…');
    try {
      const answer = await api(path, 'POST');
      if (answer.ok) {
        const message = answer.body && answer.body.message ? answer.body.message : 'done';
        showActionStatus('ok', label + ' of ' + id + ': ' + message, answer.status);
      } else if (answer.status === 0) {
        showActionStatus('error', what + ' not sent: ' + answer.error, 0);
      } else {
        let text = what + ' refused (HTTP ' + answer.status + '): ' + answer.error;
        if (answer.status === 403 && !token()) {
          text += (/[.!?]$/.test(text) ? ' ' : '. ') + 'Enter the access token above (infrakit:web-token prints it).';
        }
        showActionStatus('error', text, answer.status);
      }
    } finally {
      setActing(false);
      kick();
    }
  }

  function openDestroyDialog() {
    const id = state.selected;
    if (id === null) {
      return;
    }
    const dialog = $('destroy-dialog');
    setText($('destroy-group'), id);
    dialog.dataset.group = id;
    $('destroy-confirm').value = '';
    $('destroy-ok').disabled = true;
    dialog.returnValue = '';
    dialog.showModal();
    $('destroy-confirm').focus();
  }

  // ---------------------------------------------------------------- start

  function start() {
    const fromAddress = takeTokenFromAddress();
    const tokenInput = $('token');
    tokenInput.value = storedToken();
    tokenInput.addEventListener('input', () => storeToken(token()));
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      storeToken(token());
    });
    $('token-clear').addEventListener('click', () => {
      tokenInput.value = '';
      storeToken('');
      setText($('token-note'), 'The access token is forgotten.');
      tokenInput.focus();
    });

    document.querySelectorAll('#group [data-action]').forEach((button) => {
      button.addEventListener('click', () => act(button.dataset.action));
    });
    $('action-destroy').addEventListener('click', openDestroyDialog);
    $('destroy-confirm').addEventListener('input', () => {
      $('destroy-ok').disabled = $('destroy-confirm').value !== $('destroy-dialog').dataset.group;
    });
    $('destroy-cancel').addEventListener('click', () => $('destroy-dialog').close('cancel'));
    $('destroy-dialog').addEventListener('close', () => {
      const dialog = $('destroy-dialog');
      if (dialog.returnValue === 'destroy' && $('destroy-confirm').value === dialog.dataset.group
        && dialog.dataset.group === state.selected) {
        act('destroy');
      }
    });

    window.addEventListener('hashchange', () => select(selectedFromAddress()));
    select(selectedFromAddress());
    if (fromAddress) {
      setText($('token-note'), 'The access token was taken from the address and is kept for this tab.');
    }
    schedule(0);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
