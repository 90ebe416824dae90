// One user: what the caller may see of them, and the actions the caller may take. As in the
// original, an entry is shown only to a role that may change users and when the settings' userFields
// do not forbid it; the access hook still decides on every action, and its refusal is shown in its
// own words.
import { api } from "../api.js";
import { actionAllowedByFields, displayedFields, valueAt } from "../fields.js";
import { field, fill, formatDate, h, uid } from "../dom.js";

export async function renderUser(context, userId) {
  const path = `/api/users/${encodeURIComponent(userId)}`;
  let answer;
  try {
    answer = await api("GET", path);
  } catch (error) {
    context.page("User", h("p", {}, h("a", { href: "#/users" }, "Back to the users")));
    context.failed(error);
    return;
  }
  const { user, memberships } = answer;
  const messages = h("div", { class: "messages" });
  const panel = h("div", { class: "panel" });
  context.page(
    user.name || user.username || user.user_id,
    messages,
    details(context, user, memberships),
    actions(context, user, path, { messages, panel }),
    panel,
    logs(context, path),
  );
}

function details(context, user, memberships) {
  const label = context.settings.dict?.memberships || "Memberships";
  const rows = [
    ["Username", user.username],
    ["Email", user.email],
    ["Email verified", user.email_verified ? "Yes" : "No"],
    ...displayedFields(context.settings).map((item) => [item.label || item.property, valueAt(user, item.property)]),
    [label, (memberships || []).join(", ") || "None"],
    ["Status", user.blocked ? "Blocked" : "Active"],
    ["Multi-factor", (user.multifactor || []).join(", ") || "None"],
    ["Created", formatDate(user.created_at)],
    ["Updated", formatDate(user.updated_at)],
  ];
  return h(
    "dl",
    { class: "details" },
    rows.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value === undefined || value === null ? "" : String(value))]),
  );
}

function actions(context, user, path, where) {
  if (!context.can("manage:users")) return null;
  const run = (label, method, suffix, body, done) => async () => {
    fill(where.messages);
    try {
      await api(method, `${path}${suffix}`, body === undefined ? {} : { body });
      context.flash(`${label}: done.`);
      if (done) done();
      else context.go(`#/user/${encodeURIComponent(user.user_id)}`);
    } catch (error) {
      context.failed(error, where.messages);
    }
  };
  const entries = [
    user.blocked
      ? ["unblock:user", "Unblock", run("Unblock", "PUT", "/unblock")]
      : ["block:user", "Block", run("Block", "PUT", "/block")],
    ["reset:password", "Reset password", run("Reset password", "POST", "/password-reset")],
    ["change:password", "Change password", () => passwordForm(context, where, run)],
    ["change:email", "Change email", () => emailForm(context, user, where, run)],
    ["change:username", "Change username", () => usernameForm(context, user, where, run)],
    !user.email_verified ? ["send:verification-email", "Send verification email", run("Send verification email", "POST", "/send-verification-email")] : null,
    ...(user.multifactor || []).map((provider) => [
      "remove:multifactor-provider",
      `Remove ${provider}`,
      run(`Remove ${provider}`, "DELETE", `/multifactor/${encodeURIComponent(provider)}`),
    ]),
    ["delete:user", "Delete user", () => deleteForm(context, user, where, run)],
  ].filter((entry) => entry && actionAllowedByFields(context.settings, entry[0]));
  return h(
    "section",
    { class: "actions", "aria-labelledby": "actions-heading" },
    h("h2", { id: "actions-heading" }, "Actions"),
    h("ul", {}, entries.map(([, label, onclick]) => h("li", {}, h("button", { type: "button", onclick }, label)))),
  );
}

function form(where, heading, controls, submitLabel, onsubmit) {
  const title = h("h2", { tabindex: "-1" }, heading);
  const element = h(
    "form",
    { class: "inline", onsubmit: (event) => { event.preventDefault(); onsubmit(); } },
    title,
    controls,
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, submitLabel), h("button", { type: "button", onclick: () => fill(where.panel) }, "Cancel")),
  );
  fill(where.panel, element);
  title.focus();
}

function passwordForm(context, where, run) {
  const password = h("input", { type: "password", required: true, autocomplete: "new-password" });
  const repeat = h("input", { type: "password", required: true, autocomplete: "new-password" });
  form(where, "Change password", [field("New password", password), field("Repeat the password", repeat)], "Change password", () =>
    run("Change password", "PUT", "/change-password", { password: password.value, repeatPassword: repeat.value })(),
  );
}

function emailForm(context, user, where, run) {
  const email = h("input", { type: "email", required: true, value: user.email || "", autocomplete: "off" });
  const verified = h("input", { type: "checkbox", id: uid("verified") });
  const check = h("div", { class: "check" }, verified, h("label", { for: verified.id }, "Mark the new address verified"));
  form(where, "Change email", [field("New email", email), check], "Change email", () =>
    run("Change email", "PUT", "/change-email", { email: email.value, email_verified: verified.checked })(),
  );
}

function usernameForm(context, user, where, run) {
  const username = h("input", { type: "text", required: true, value: user.username || "", autocomplete: "off" });
  form(where, "Change username", [field("New username", username)], "Change username", () =>
    run("Change username", "PUT", "/change-username", { username: username.value })(),
  );
}

function deleteForm(context, user, where, run) {
  form(where, "Delete user", [h("p", {}, `Delete ${user.username || user.user_id}? This cannot be undone.`)], "Delete", () =>
    run("Delete user", "DELETE", "", undefined, () => context.go("#/users"))(),
  );
}

function logs(context, path) {
  const list = h("div", {});
  const button = h("button", { type: "button", onclick: () => load() }, "Show this user's log");
  async function load() {
    try {
      const answer = await api("GET", `${path}/logs`);
      fill(
        list,
        answer.logs.length
          ? h("ul", { class: "log" }, answer.logs.map((entry) => h("li", {}, `${formatDate(entry.time)}: ${entry.who} ${entry.action} — ${entry.outcome}${entry.message ? ` (${entry.message})` : ""}`)))
          : h("p", {}, "Nothing recorded."),
      );
    } catch (error) {
      fill(list);
      context.failed(error, list);
    }
  }
  return h("section", { class: "user-log", "aria-labelledby": "log-heading" }, h("h2", { id: "log-heading" }, "Log"), button, list);
}
