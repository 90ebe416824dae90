// The two places Auth0 runs the JavaScript that `make dae-hooks` writes, emulated for the tests
// (local/testing.py: run_extension_hook, run_action). Reads one JSON job on stdin, prints one JSON
// report on stdout.
//
// hook:   the Delegated Administration extension's hook runner. The script (`function (ctx,
//         callback) {...}`) is evaluated as an expression in a context of its own whose only way
//         out is require('request'); each call gets the extension's ctx (payload, request, method,
//         userFields, locale, global, read(), write(), log()), all calls share one ctx.global as
//         one warm container does. Reports each call's callback arguments, how often it was called
//         and after how long, and every HTTP request the script made (method and URL).
// action: an Auth0 Action module (`exports.onExecutePostUserRegistration`), run with a fake
//         `event` (secrets in event.secrets) and `api` (api.cache, in memory, honouring ttl);
//         global fetch is recorded the same way.
'use strict';

const vm = require('vm');

const requests = [];
// The request module, loaded by runHook before the first call, as the extension's runtime has it
// loaded before a hook runs: it is two thirds of what starting this process costs, and an Action,
// which has fetch, never needs it.
let request;

function recordingRequest() {
  const wrapped = (options, callback) => {
    requests.push({ method: (options.method || 'GET').toUpperCase(), url: options.url || options.uri });
    return request(options, callback);
  };
  for (const verb of ['get', 'post', 'put', 'patch', 'del', 'head']) {
    wrapped[verb] = (options, callback) => {
      requests.push({ method: verb === 'del' ? 'DELETE' : verb.toUpperCase(), url: options.url || options.uri });
      return request[verb](options, callback);
    };
  }
  return wrapped;
}

function sandboxRequire(name) {
  if (name !== 'request') {
    throw new Error(`the sandbox has no module ${JSON.stringify(name)}`);
  }
  return recordingRequest();
}

function compileHook(source) {
  const context = vm.createContext({ require: sandboxRequire, setTimeout, clearTimeout, Buffer });
  return vm.runInContext(`(${source}\n)`, context, { filename: 'hook.js' });
}

function errorOf(error) {
  return error instanceof Error || (error && typeof error.message === 'string')
    ? { name: error.name, message: error.message }
    : { value: error };
}

function runHookCall(hook, call, shared) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const outcome = { callbacks: 0, logs: [] };
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    const ctx = {
      payload: call.payload,
      request: call.request,
      method: call.method,
      userFields: call.userFields,
      locale: call.locale,
      global: shared.global,
      read: () => {
        shared.reads += 1;
        return Promise.resolve(JSON.parse(JSON.stringify(shared.customData)));
      },
      write: (data) => {
        shared.customData = data;
        return Promise.resolve();
      },
      log: (...args) => outcome.logs.push(args),
    };
    const deadline = setTimeout(() => resolve({ ...outcome, hung: true, elapsedMs: elapsedMs() }), shared.hangAfterMs);
    try {
      hook(ctx, (...args) => {
        outcome.callbacks += 1;
        if (outcome.callbacks > 1) return;
        outcome.elapsedMs = elapsedMs();
        outcome.arity = args.length;
        outcome.error = args[0] ? errorOf(args[0]) : null;
        outcome.result = args[1] === undefined ? null : args[1];
        // A second callback would show within the settle time; then the call is over.
        setTimeout(() => {
          clearTimeout(deadline);
          resolve(outcome);
        }, shared.settleMs);
      });
    } catch (error) {
      clearTimeout(deadline);
      resolve({ ...outcome, thrown: errorOf(error), elapsedMs: elapsedMs() });
    }
  });
}

async function runHook(job) {
  request = require('request');
  const hook = compileHook(job.source);
  const shared = {
    global: job.global || {},
    customData: job.customData || {},
    reads: 0,
    settleMs: job.settleMs === undefined ? 50 : job.settleMs,
    hangAfterMs: job.hangAfterMs || 30000,
  };
  const outcomes = job.concurrent
    ? await Promise.all(job.calls.map((call) => runHookCall(hook, call, shared)))
    : await job.calls.reduce(
        (done, call) => done.then(async (list) => [...list, await runHookCall(hook, call, shared)]),
        Promise.resolve([]),
      );
  return { outcomes, requests, customDataReads: shared.reads, globalKeys: Object.keys(shared.global).sort() };
}

function memoryCache(seed) {
  const items = new Map(Object.entries(seed).map(([key, value]) => [key, { value, expires_at: Date.now() + 3600000 }]));
  return {
    get(key) {
      const item = items.get(key);
      return item && item.expires_at > Date.now() ? item : undefined;
    },
    set(key, value, options = {}) {
      items.set(key, { value, expires_at: Date.now() + (options.ttl || 15 * 60 * 1000) });
      return { type: 'success' };
    },
    delete(key) {
      items.delete(key);
      return { type: 'success' };
    },
  };
}

async function runAction(job) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init = {}) => {
    requests.push({ method: (init.method || 'GET').toUpperCase(), url: String(url) });
    return realFetch(url, init);
  };
  const module = { exports: {} };
  vm.runInThisContext(`(function (exports, module, require) {\n${job.source}\n})`, { filename: 'action.js' })(
    module.exports,
    module,
    require,
  );
  const api = { cache: memoryCache(job.cache || {}) };
  const outcomes = [];
  for (const event of job.events) {
    const started = process.hrtime.bigint();
    try {
      await module.exports.onExecutePostUserRegistration({ ...event, secrets: job.secrets }, api);
      outcomes.push({ error: null, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 });
    } catch (error) {
      outcomes.push({ error: errorOf(error), elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 });
    }
  }
  return { outcomes, requests };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
});
process.stdin.on('end', async () => {
  const job = JSON.parse(input);
  const report = job.mode === 'action' ? await runAction(job) : await runHook(job);
  process.stdout.write(JSON.stringify(report), () => process.exit(0)); // kept-alive sockets must not hold us
});
