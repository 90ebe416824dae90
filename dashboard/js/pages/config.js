// Configuration, for administrators: the hooks' custom data (with its size against the limit, and a
// write that another tab made meanwhile shown side by side, to keep one or the other), each hook's
// deployed version and last failures, and a runner that dry-runs a hook on a sample.
import { api, ApiError } from "../api.js";
import { field, fill, h, notice } from "../dom.js";

const SAMPLES = {
  filter: { payload: { search: null } },
  access: { payload: { action: "read:user", user: { user_id: "hr-01", app_metadata: { department: "HR" } } } },
  write: { method: "create", payload: { email: "new@example.com", memberships: ["IT"] } },
  memberships: { payload: {} },
  settings: { payload: {} },
  "custom-domain": { method: "reset_password", payload: {} },
};

export async function renderConfig(context) {
  const data = h("section", { "aria-labelledby": "data-heading" }, h("h2", { id: "data-heading" }, "Custom data"));
  const hooks = h("section", { "aria-labelledby": "hooks-heading" }, h("h2", { id: "hooks-heading" }, "Hooks"));
  const runner = h("section", { "aria-labelledby": "runner-heading" }, h("h2", { id: "runner-heading" }, "Try a hook"));
  context.page("Configuration", data, hooks, runner);
  await Promise.all([customData(context, data), hookList(context, hooks, runner)]);
}

// ------------------------------------------------------------------ custom data

function sizeOf(data) {
  return new TextEncoder().encode(JSON.stringify(data)).length; // compact UTF-8 JSON, as the API counts it
}

async function customData(context, section) {
  let current;
  try {
    current = await api("GET", "/api/config/custom-data");
  } catch (error) {
    context.failed(error, section);
    return;
  }
  const editor = { version: current.version, limit: current.limit };
  const text = h("textarea", { rows: 14, spellcheck: "false", class: "code" });
  text.value = JSON.stringify(current.data, null, 2);
  const meter = h("meter", { id: "data-meter", min: 0, max: current.limit, low: current.limit * 0.75, high: current.limit * 0.9, optimum: 0 });
  const size = h("span", { id: "data-size" });
  meter.setAttribute("aria-describedby", size.id);
  const version = h("p", { class: "version" });
  const messages = h("div", { class: "messages" });
  const save = h("button", { type: "submit", class: "primary" }, "Save");
  const form = h(
    "form",
    { onsubmit: (event) => { event.preventDefault(); write(editor.version); } },
    version,
    field("Custom data (JSON)", text, "What hooks read with ctx.read(); saved as one versioned document."),
    h("div", { class: "size" }, h("label", { for: meter.id }, "Size"), meter, size),
    messages,
    h("div", { class: "buttons" }, save),
  );
  section.append(form);

  function show() {
    version.textContent = `Version ${editor.version}`;
    let parsed;
    try {
      parsed = JSON.parse(text.value);
    } catch (error) {
      size.textContent = `Not valid JSON: ${error.message}`;
      save.disabled = true;
      return undefined;
    }
    const bytes = sizeOf(parsed);
    meter.value = Math.min(bytes, editor.limit);
    size.textContent = `${bytes.toLocaleString("en")} of ${editor.limit.toLocaleString("en")} bytes`;
    const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
    save.disabled = !isObject || bytes > editor.limit;
    if (!isObject) size.textContent += " — must be a JSON object";
    else if (bytes > editor.limit) size.textContent += " — over the limit";
    return isObject ? parsed : undefined;
  }

  async function write(expected) {
    const data = show();
    if (data === undefined) return;
    fill(messages);
    try {
      const answer = await api("PUT", "/api/config/custom-data", { body: { data }, headers: { "if-match": String(expected) } });
      editor.version = answer.version;
      show();
      messages.append(notice(`Saved as version ${answer.version}.`, "info"));
    } catch (error) {
      if (error instanceof ApiError && error.code === "VersionConflict") await conflict(data);
      else context.failed(error, messages);
    }
  }

  async function conflict(mine) {
    const theirs = await api("GET", "/api/config/custom-data");
    const keepMine = h("button", { type: "button", class: "primary", onclick: () => write(theirs.version) }, `Keep mine (replace version ${theirs.version})`);
    const takeTheirs = h("button", {
      type: "button",
      onclick: () => {
        editor.version = theirs.version;
        text.value = JSON.stringify(theirs.data, null, 2);
        fill(messages, notice(`Now editing version ${theirs.version}.`, "info"));
        show();
        text.focus();
      },
    }, "Take theirs (drop my changes)");
    fill(
      messages,
      h(
        "div",
        { class: "conflict", role: "alert" },
        h("h3", {}, "Someone saved in the meantime"),
        h("p", {}, `You edited version ${editor.version}; version ${theirs.version} was saved since. Nothing of yours was written.`),
        h(
          "div",
          { class: "compare" },
          h("figure", {}, h("figcaption", {}, "Yours"), h("pre", { class: "code", tabindex: "0" }, JSON.stringify(mine, null, 2))),
          h("figure", {}, h("figcaption", {}, `Saved (version ${theirs.version})`), h("pre", { class: "code", tabindex: "0" }, JSON.stringify(theirs.data, null, 2))),
        ),
        h("div", { class: "buttons" }, keepMine, takeTheirs),
      ),
    );
    keepMine.focus();
  }

  text.addEventListener("input", show);
  show();
}

// ------------------------------------------------------------------ hooks and the runner

async function hookList(context, section, runnerSection) {
  let hooks;
  try {
    hooks = (await api("GET", "/api/config/hooks")).hooks;
  } catch (error) {
    context.failed(error, section);
    return;
  }
  section.append(
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { class: "hooks" },
        h("caption", {}, "The hook.py each hook runs, and its last failures"),
        h("thead", {}, h("tr", {}, ["Hook", "Version (SHA-256)", "Last failures"].map((text) => h("th", { scope: "col" }, text)))),
        h("tbody", {}, hooks.map((hook) => h(
          "tr",
          {},
          h("th", { scope: "row" }, hook.name, h("br"), h("span", { class: "hint" }, hook.file)),
          h("td", {}, hook.configured ? h("code", { title: hook.sha256 }, hook.version) : "not configured (the default answers)"),
          h("td", {}, hook.errors.length ? h("ul", { class: "errors" }, hook.errors.map((error) => h("li", {}, `${new Date(error.when).toLocaleString()}: ${error.error} — ${error.cause || error.message} (${error.where || "?"}, ${error.request_id})`))) : "None"),
        ))),
      ),
    ),
  );
  runner(context, runnerSection, hooks.filter((hook) => hook.runnable).map((hook) => hook.name));
}

function runner(context, section, names) {
  const choice = h("select", {}, names.map((name) => h("option", { value: name }, name)));
  const sample = h("textarea", { rows: 8, spellcheck: "false", class: "code" });
  const output = h("div", { class: "output", "aria-live": "polite" });
  const useSample = () => { sample.value = JSON.stringify(SAMPLES[choice.value] || { payload: {} }, null, 2); };
  choice.addEventListener("change", useSample);
  useSample();
  section.append(
    h("p", {}, "Runs the hook on a sample request as its own route would, and changes nothing: custom data and cache writes stay in memory. request.user is you unless the sample names another user."),
    h(
      "form",
      { onsubmit: (event) => { event.preventDefault(); run(); } },
      field("Hook", choice),
      field("Sample request (JSON)", sample),
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, "Run")),
    ),
    output,
  );

  async function run() {
    fill(output);
    let body;
    try {
      body = JSON.parse(sample.value);
    } catch (error) {
      output.append(notice(`The sample is not valid JSON: ${error.message}`));
      return;
    }
    try {
      const answer = await api("POST", `/api/config/hooks/${encodeURIComponent(choice.value)}/run`, { body });
      fill(
        output,
        h("h3", {}, `The ${answer.hook} hook answered ${answer.status} in ${answer.ms} ms`),
        h("pre", { class: "code answer", tabindex: "0" }, JSON.stringify(answer.body, null, 2)),
        answer.logs.length ? [h("h4", {}, "It logged"), h("pre", { class: "code", tabindex: "0" }, answer.logs.join("\n"))] : null,
      );
    } catch (error) {
      context.failed(error, output);
    }
  }
}
