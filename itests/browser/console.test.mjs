// The web console in a real browser: headless Chromium driven by playwright-core, against a running distribution.
// Run by WebConsoleBrowserIT (which starts the distribution, commits the group and sets the environment), or by hand:
//
//   BASE_URL=http://127.0.0.1:8624/ GROUP=cattle SIZE=5 INSTANCES_DIR=~/.infrakit/instances/instance-file \
//   TOKEN=$(cat ~/.infrakit/web/token) SCREENSHOT=/tmp/web-console.png node itests/browser/console.test.mjs
//
// The group must be converged with at least 2 revisions (rollback to revision 1 must change its configuration).
// Steps: (a) the group is listed, Converged with the right counts; (b) an instance file deleted is healed
// (InstanceLost, then InstanceCreated with cause "missing") and the group converges again; (c) a rollback without the
// token is refused (403 shown) and changes nothing, and the destroy dialog wants the group's ID typed; (d) with the
// token typed in, a rollback to revision 1 is accepted and carried out: a new revision with revision 1's configuration
// SHA, Converged with every member up to date; (e) ?token=… in the address is taken into the field and removed from
// the address bar. Exits 0 when every step passed, 1 (with the reason) otherwise; a full-page screenshot is written
// either way.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const STEP_TIMEOUT = Number(process.env.STEP_TIMEOUT_MS || 60000);

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

function log(line) {
  console.log(`[console.test] ${line}`);
}

let browser = null;
let page = null;
const pageProblems = [];

async function main() {
  const BASE_URL = required('BASE_URL');
  const GROUP = required('GROUP');
  const SIZE = Number(required('SIZE'));
  const INSTANCES_DIR = required('INSTANCES_DIR');
  const TOKEN = required('TOKEN');
  required('SCREENSHOT');
  assert.ok(Number.isInteger(SIZE) && SIZE > 0, `SIZE must be a positive whole number, got ${process.env.SIZE}`);
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  assert.ok(fs.existsSync(executablePath), `no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);

  const api = async (p) => {
    const response = await fetch(new URL(p, BASE_URL), {headers: {Accept: 'application/json'}});
    const body = await response.json();
    assert.equal(response.status, 200, `GET ${p} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };

  const {chromium} = await import('playwright-core');
  log(`launching ${executablePath}`);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: STEP_TIMEOUT,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  const context = await browser.newContext({viewport: {width: 1400, height: 1000}});
  context.setDefaultTimeout(STEP_TIMEOUT);
  page = await context.newPage();
  watch(page);

  const groupRow = page.locator(`[data-testid="group-row"][data-group="${GROUP}"]`);
  const detail = page.locator('#group');
  const status = page.locator('#action-status');

  /** Waits until the page has polled twice more: what it shows then is what the endpoint answers now. */
  const twoPollsLater = async () => {
    const polls = Number(await page.locator('#updated').getAttribute('data-polls'));
    await page.waitForFunction((n) => Number(document.getElementById('updated').dataset.polls) >= n, polls + 2,
      {timeout: STEP_TIMEOUT});
  };

  const convergedWithAllMembers = (sha) => page.waitForFunction(([group, size, sha]) => {
    const row = document.querySelector(`[data-testid="group-row"][data-group="${CSS.escape(group)}"]`);
    const d = document.getElementById('group');
    if (!row || row.dataset.status !== 'Converged' || d.hidden || d.dataset.group !== group || d.dataset.status !== 'Converged') {
      return false;
    }
    const cells = {};
    row.querySelectorAll('[data-field]').forEach((c) => { cells[c.dataset.field] = c.textContent.trim(); });
    if (!['Desired', 'Current', 'Ready', 'UpToDate'].every((f) => cells[f] === String(size))) {
      return false;
    }
    const members = Array.from(document.querySelectorAll('#members-body [data-testid="member"]'));
    return members.length === size && members.every((m) => m.dataset.upToDate === 'true'
      && (!sha || m.dataset.configSha === sha)) && (!sha || d.dataset.configSha === sha);
  }, [GROUP, SIZE, sha], {timeout: STEP_TIMEOUT});

  // ------------------------------------------------------------------ (a)
  log(`(a) open ${BASE_URL}: the group ${GROUP} is listed and Converged with ${SIZE} members`);
  await page.goto(BASE_URL, {waitUntil: 'domcontentloaded'});
  await page.waitForSelector('#token[type="password"]');
  assert.equal(await page.locator('label[for="token"]').innerText(), 'Access token');
  await groupRow.waitFor();
  await page.waitForSelector(`[data-testid="group-row"][data-group="${GROUP}"][data-status="Converged"]`);
  await groupRow.locator('[data-testid="select-group"]').click();
  await detail.waitFor({state: 'visible'});
  await convergedWithAllMembers(null);
  const revisionBefore = Number(await detail.getAttribute('data-revision'));
  const shaBefore = await detail.getAttribute('data-config-sha');
  assert.ok(revisionBefore >= 2, `the group should have at least 2 revisions to roll back, it is at revision ${revisionBefore}`);
  assert.equal(await groupRow.getAttribute('data-revision'), String(revisionBefore));
  await page.waitForSelector('#history-body [data-testid="revision"][data-revision="1"]');
  await page.waitForSelector('#plugins-body [data-testid="plugin"]');
  const manager = await page.waitForFunction(() => {
    const none = document.getElementById('manager-none');
    const role = document.getElementById('manager-role');
    return !none.hidden ? 'none' : role.textContent.trim() ? role.textContent.trim() : null;
  });
  log(`(a) ok: Converged at revision ${revisionBefore} (${shaBefore}), ${SIZE}/${SIZE}/${SIZE}/${SIZE}; `
    + `plugins listed; manager: ${await manager.jsonValue()}`);

  // ------------------------------------------------------------------ (b)
  const members = await page.locator('#members-body [data-testid="member"]').evaluateAll(
    (rows) => rows.map((r) => r.dataset.instance));
  const files = new Set(fs.readdirSync(INSTANCES_DIR));
  const victim = members.find((id) => files.has(id));
  assert.ok(victim, `no member shown in the page (${members.join(', ')}) is a file in ${INSTANCES_DIR} (${[...files].join(', ')})`);
  const seqBefore = await page.locator('#events-body [data-testid="event"]').evaluateAll(
    (rows) => rows.reduce((max, r) => Math.max(max, Number(r.dataset.seq)), 0));
  log(`(b) delete the instance file ${victim} (last event shown: ${seqBefore})`);
  fs.unlinkSync(path.join(INSTANCES_DIR, victim));
  await page.waitForFunction(([seq, victim]) => {
    const rows = Array.from(document.querySelectorAll('#events-body [data-testid="event"]')).filter((r) => Number(r.dataset.seq) > seq);
    const lost = rows.some((r) => r.dataset.type === 'InstanceLost'
      && (r.dataset.instance === victim || r.querySelector('[data-field="Message"]').textContent.includes(victim)));
    const created = rows.some((r) => r.dataset.type === 'InstanceCreated' && r.dataset.cause === 'missing');
    return lost && created;
  }, [seqBefore, victim], {timeout: STEP_TIMEOUT});
  await page.waitForFunction((victim) => !document.querySelector(`#members-body [data-instance="${CSS.escape(victim)}"]`),
    victim, {timeout: STEP_TIMEOUT});
  await convergedWithAllMembers(shaBefore);
  const events = await page.locator('#events-body [data-testid="event"]').evaluateAll(
    (rows, seq) => rows.filter((r) => Number(r.dataset.seq) > seq).map((r) => `${r.dataset.type}${r.dataset.cause ? '/' + r.dataset.cause : ''}`),
    seqBefore);
  assert.equal(Number(await detail.getAttribute('data-revision')), revisionBefore, 'a heal is no new revision');
  log(`(b) ok: healed (events since: ${events.reverse().join(', ')}), Converged again with ${SIZE} members`);

  // ------------------------------------------------------------------ (c)
  log('(c) rollback to revision 1 clicked without a token: refused, nothing changes');
  const historyBefore = await api(`api/groups/${encodeURIComponent(GROUP)}/history`);
  assert.equal(await page.locator('#token').inputValue(), '', 'the token field starts empty');
  await page.locator('#rollback-revision').selectOption('1');
  await page.locator('#action-rollback').click();
  await page.waitForSelector('#action-status[data-outcome="error"]');
  const refused = await status.innerText();
  assert.equal(await status.getAttribute('data-http-status'), '403', `expected a 403, the page says: ${refused}`);
  assert.match(refused, /403/);
  await twoPollsLater();
  assert.equal(Number(await detail.getAttribute('data-revision')), revisionBefore, 'a refused rollback changes no revision');
  assert.equal(await detail.getAttribute('data-config-sha'), shaBefore);
  const afterRefusal = await api(`api/groups/${encodeURIComponent(GROUP)}`);
  assert.equal(afterRefusal.Revision, revisionBefore, 'the endpoint says the revision changed after a refused rollback');
  assert.equal((await api(`api/groups/${encodeURIComponent(GROUP)}/history`)).length, historyBefore.length,
    'a refused rollback added a revision');
  log(`(c) ok: the page says "${refused}"; still revision ${revisionBefore}`);

  log('(c) the destroy dialog wants the group ID typed, and Cancel destroys nothing');
  await page.locator('#action-destroy').click();
  const dialog = page.locator('#destroy-dialog');
  await dialog.waitFor({state: 'visible'});
  assert.ok(await page.locator('#destroy-ok').isDisabled(), 'Destroy is enabled before the ID is typed');
  await page.locator('#destroy-confirm').fill(GROUP + 'x');
  assert.ok(await page.locator('#destroy-ok').isDisabled(), 'Destroy is enabled with a wrong ID');
  await page.locator('#destroy-confirm').fill(GROUP);
  assert.ok(await page.locator('#destroy-ok').isEnabled(), 'Destroy stays disabled with the right ID');
  await page.locator('#destroy-cancel').click();
  await dialog.waitFor({state: 'hidden'});
  await twoPollsLater();
  await groupRow.waitFor();
  log('(c) ok: dialog cancelled, the group is still there');

  // ------------------------------------------------------------------ (d)
  const revision1 = historyBefore.find((r) => r.Revision === 1);
  assert.ok(revision1, `no revision 1 in ${JSON.stringify(historyBefore)}`);
  assert.notEqual(revision1.ConfigSHA, shaBefore, 'revision 1 has the configuration in force: a rollback would change nothing');
  log(`(d) with the token typed in: rollback to revision 1 (${revision1.ConfigSHA})`);
  await page.locator('#token').fill(TOKEN);
  await page.locator('#rollback-revision').selectOption('1');
  await page.locator('#action-rollback').click();
  await page.waitForFunction(() => {
    const s = document.getElementById('action-status');
    return s.dataset.outcome === 'ok' || s.dataset.outcome === 'error';
  });
  const accepted = await status.innerText();
  assert.equal(await status.getAttribute('data-outcome'), 'ok', `the rollback was not accepted: ${accepted}`);
  log(`(d) accepted: "${accepted}"`);
  await page.waitForFunction(([before]) => Number(document.getElementById('group').dataset.revision) > before,
    [revisionBefore], {timeout: STEP_TIMEOUT});
  const revisionAfter = Number(await detail.getAttribute('data-revision'));
  await convergedWithAllMembers(revision1.ConfigSHA);
  const history = await api(`api/groups/${encodeURIComponent(GROUP)}/history`);
  const latest = history[history.length - 1];
  assert.equal(history.length, historyBefore.length + 1, `one revision more: ${JSON.stringify(history.map((r) => r.Revision))}`);
  assert.equal(latest.Revision, revisionAfter, 'the page shows the latest revision');
  assert.equal(latest.ConfigSHA, revision1.ConfigSHA, 'the new revision has revision 1\'s configuration');
  const final = await api(`api/groups/${encodeURIComponent(GROUP)}`);
  assert.equal(final.Status, 'Converged');
  assert.equal(final.Revision, revisionAfter);
  assert.equal(final.ConfigSHA, revision1.ConfigSHA);
  assert.equal(final.UpToDate, SIZE);
  assert.equal(final.Members.length, SIZE);
  assert.ok(final.Members.every((m) => m.UpToDate && m.ConfigSHA === revision1.ConfigSHA), JSON.stringify(final.Members));
  await page.waitForSelector(`#history-body [data-testid="revision"][data-revision="${revisionAfter}"]`);
  log(`(d) ok: revision ${revisionAfter} (${latest.Reason || 'no reason given'}) has revision 1's configuration; `
    + `Converged with ${SIZE} of ${SIZE} up to date`);

  // ------------------------------------------------------------------ (e)
  log('(e) a new tab opened as /?token=…: the token goes into the field, out of the address bar');
  const second = await context.newPage();
  watch(second);
  const withToken = new URL(BASE_URL);
  withToken.searchParams.set('token', TOKEN);
  withToken.hash = 'group=' + encodeURIComponent(GROUP);
  await second.goto(withToken.href, {waitUntil: 'domcontentloaded'});
  await second.waitForFunction(() => !window.location.search.includes('token'));
  assert.equal(await second.locator('#token').inputValue(), TOKEN);
  await second.locator('#group').waitFor({state: 'visible'});
  assert.ok(!second.url().includes(TOKEN), `the token is still in the address: ${second.url()}`);
  await second.close();
  log('(e) ok');

  assert.deepEqual(pageProblems, [], `the page reported errors (scripts, Content-Security-Policy):\n${pageProblems.join('\n')}`);
}

function watch(p) {
  p.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  p.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) {
      pageProblems.push(`csp: ${text}`);
    }
  });
}

async function screenshot() {
  const file = process.env.SCREENSHOT;
  if (!file || !page) {
    return;
  }
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), {recursive: true});
    await page.screenshot({path: file, fullPage: true, timeout: 30000});
    log(`screenshot: ${file}`);
  } catch (e) {
    log(`no screenshot: ${e.message}`);
  }
}

let exitCode = 0;
try {
  await main();
  log('PASSED: every step');
} catch (error) {
  exitCode = 1;
  console.error(`[console.test] FAILED: ${error && error.stack ? error.stack : error}`);
  if (page) {
    try {
      const shown = await page.evaluate(() => ['connection', 'action-status', 'groups-error', 'group-error', 'history-error',
        'events-error'].map((id) => `${id}: ${document.getElementById(id)?.textContent.trim()}`).join('\n'));
      console.error(`[console.test] the page shows:\n${shown}`);
    } catch (e) {
      // the page is gone
    }
  }
} finally {
  await screenshot();
  if (browser) {
    await browser.close().catch(() => {});
  }
}
process.exit(exitCode);
