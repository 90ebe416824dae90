// The user list: a search and pages of users, exactly as the users API returns them. The filter hook
// is applied by the API, so this page never receives a user the caller may not see.
import { api, withQuery } from "../api.js";
import { displayedFields, valueAt } from "../fields.js";
import { append, field, h, notice } from "../dom.js";

const PER_PAGE = 10;
// The cursors of the pages before this one, so that "Previous" works without the API remembering.
let trail = [];

export async function renderUsers(context, query) {
  const search = query.get("search") || "";
  const cursor = query.get("cursor") || "";
  if (!cursor) trail = [];
  const input = h("input", { type: "search", name: "search", value: search, autocomplete: "off" });
  const form = h(
    "form",
    { class: "search", role: "search", onsubmit: (event) => submit(event, context, input.value) },
    field("Search users", input, "A name, an e-mail address, or a query such as email:finance-0*"),
    h("button", { type: "submit" }, "Search"),
  );
  const results = h("section", { "aria-labelledby": "results-heading" });
  context.page("Users", form, results);
  try {
    const answer = await api("GET", withQuery("/api/users", { search, per_page: PER_PAGE, cursor }));
    showPage(context, results, answer, search, cursor);
  } catch (error) {
    context.failed(error, results);
  }
}

function submit(event, context, search) {
  event.preventDefault();
  trail = [];
  context.go(withQuery("#/users", { search: search.trim() }));
}

function showPage(context, results, answer, search, cursor) {
  const pageNumber = trail.length + 1;
  const heading = h("h2", { id: "results-heading" }, search ? `Results for “${search}”` : "All users you may see");
  if (!answer.users.length) {
    results.append(heading, h("p", {}, "No user matches."));
    return;
  }
  const extra = displayedFields(context.settings);
  const table = h(
    "table",
    { class: "users" },
    h("caption", {}, `Page ${pageNumber}`),
    h(
      "thead",
      {},
      h("tr", {}, ["Name", "Email", "Username", ...extra.map((item) => item.label || item.property), "Status"].map((text) => h("th", { scope: "col" }, text))),
    ),
    h("tbody", {}, answer.users.map((user) => row(user, extra))),
  );
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    trail.length ? h("button", { type: "button", onclick: () => previous(context, search) }, "Previous page") : null,
    answer.next ? h("button", { type: "button", onclick: () => next(context, search, cursor, answer.next) }, "Next page") : null,
  );
  append(
    results,
    heading,
    answer.hidden ? notice(`${answer.hidden} user(s) on this page are hidden by the access hook.`, "info") : null,
    h("div", { class: "scroll" }, table),
    pager,
  );
}

// Each cell names its column (data-label), which a phone's narrow screen shows beside the value when
// the rows are stacked instead of side by side.
function row(user, extra) {
  const name = user.name || user.username || user.user_id;
  return h(
    "tr",
    {},
    h("th", { scope: "row", "data-label": "Name" }, h("a", { href: `#/user/${encodeURIComponent(user.user_id)}` }, name)),
    h("td", { "data-label": "Email" }, user.email || ""),
    h("td", { "data-label": "Username" }, user.username || ""),
    extra.map((item) => h("td", { "data-label": item.label || item.property }, String(valueAt(user, item.property) ?? ""))),
    h("td", { "data-label": "Status" }, user.blocked ? h("span", { class: "badge blocked" }, "Blocked") : "Active"),
  );
}

function next(context, search, cursor, following) {
  trail.push(cursor);
  context.go(withQuery("#/users", { search, cursor: following }));
}

function previous(context, search) {
  const before = trail.pop();
  const target = withQuery("#/users", { search, cursor: before });
  if (!before) trail = [];
  context.go(target);
}
