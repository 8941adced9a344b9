// The recstack page: plain DOM calls against the service's JSON API (no framework, no CDN).
"use strict";

const visitor = new Map();  // item_id -> title of the items a new visitor chose

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// A 422 carries `message`, one line naming what was refused and where (the README's API
// section); other errors carry `detail`: a sentence, or (an older service) a list of
// {loc, msg}; a proxy in front of it may answer with a page that is not JSON.
function errorText(body, response) {
  const message = body && body.message;
  if (typeof message === "string" && message) return message;
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => (d && d.msg
      ? `${(d.loc || []).join(".")}: ${d.msg}` : JSON.stringify(d))).join("; ");
  }
  return `${response.status} ${response.statusText}`.trim();
}

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    if (response.ok) throw new Error(`${path}: the service did not answer JSON`);
  }
  if (!response.ok) throw new Error(errorText(body, response));
  return body;
}

// Titles and ids are isolated (<bdi>, dir="auto"): a title in a right-to-left script
// (Arabic, Hebrew) otherwise pulled the "(id)" after it, and the score beside it, into
// its own direction, so that "كتاب (42)" showed as "(42) كتاب". Text goes in as text
// (textContent), never as HTML.
function isolated(text) {
  const node = el("bdi", String(text));
  node.dir = "auto";
  return node;
}

// A title longer than this is shown cut, with "..." and the whole title as its tooltip: a
// title of 10,000 characters filled the panel with one list entry.
const TITLE_SHOWN = 200;

function shownTitle(title) {
  const text = String(title);
  const letters = Array.from(text);  // by code point: never half a surrogate pair
  if (letters.length <= TITLE_SHOWN) return isolated(text);
  const node = isolated(letters.slice(0, TITLE_SHOWN).join("") + "\u2026");
  node.title = text;
  return node;
}

function label(item) {
  return item.title ? [shownTitle(item.title), " (", isolated(item.item_id), ")"]
    : [isolated(item.item_id)];
}

function labelled(tag, item) {
  const node = el(tag);
  node.append(...label(item));
  return node;
}

// Each panel shows the answer to its latest request only: an earlier request's slower
// answer (a search submitted again, a user picked twice in quick succession, a second
// item added to the visitor) arrived after the latest one and replaced it, so that the
// list on screen answered another question than the one in the search box or the picker.
const latest = new Map();  // panel -> number of its latest request

function ticket(panel) {
  const number = (latest.get(panel) || 0) + 1;
  latest.set(panel, number);
  return () => latest.get(panel) === number;
}

// Each panel has its own error line ("user", "search", "similar", "visitor"; "page" for
// the list of users): they shared one line, so that an answer in one panel cleared the
// error another panel still stood under, and an error was shown under a panel it did not
// belong to.
const errorLines = {page: "error", user: "user-error", search: "search-error",
                    similar: "similar-error", visitor: "visitor-error"};

function showError(panel, error) {
  document.getElementById(errorLines[panel]).textContent =
    error ? String(error.message || error) : "";
}

// The most characters a search may hold, counted as the service counts them: by Unicode
// code point, so an emoji is one (the service's MAX_QUERY_LENGTH). The box's maxlength
// counted UTF-16 units, two for an emoji, and cut a pasted text at about 100 of them
// without a word.
const SEARCH_LENGTH = 200;
// The longest visitor id, by code point as the service counts (its MAX_ID_LENGTH); a
// maxlength would count UTF-16 units, as for the search text.
const ID_LENGTH = 128;

function fillList(id, items, extra) {
  const list = document.getElementById(id);
  list.replaceChildren();
  for (const item of items) {
    const li = labelled("li", item);
    li.dataset.itemId = item.item_id;
    if (item.source !== undefined) {
      li.append(" ", el("span", `why: ${item.source}, score ${item.score.toFixed(3)}`, "why"));
    }
    if (extra) extra(li, item);
    list.append(li);
  }
}

async function showUser(userId) {
  const current = ticket("user");
  try {
    const [history, recs] = await Promise.all([
      api(`users/${encodeURIComponent(userId)}/history?limit=20`),
      api(`users/${encodeURIComponent(userId)}/recommendations?k=10`)]);
    if (!current()) return;
    fillList("history", history.items);
    fillList("user-recs", recs.items);
    document.getElementById("user-note").textContent = recs.fallback || recs.shortfall || "";
    document.getElementById("model").replaceChildren(
      `(${recs.model}, variant `, isolated(recs.variant), ")");
    showError("user", null);
  } catch (error) {
    if (!current()) return;
    // the last user's lists stayed on screen under the error, read as this user's
    fillList("history", []);
    fillList("user-recs", []);
    document.getElementById("user-note").textContent = "";
    showError("user", error);
  }
}

async function showSimilar(item) {
  const current = ticket("similar");
  try {
    const similar = await api(`items/${encodeURIComponent(item.item_id)}/similar?k=10`);
    if (!current()) return;
    document.getElementById("similar-of").replaceChildren(...label(item));
    fillList("similar", similar.items);
    // a short list (a one-item catalog has no neighbour) says why, as the other lists do
    document.getElementById("similar-note").textContent = similar.shortfall || "";
    showError("similar", null);
  } catch (error) {
    if (!current()) return;
    document.getElementById("similar-of").replaceChildren();
    fillList("similar", []);
    document.getElementById("similar-note").textContent = "";
    showError("similar", error);
  }
}

async function updateVisitor() {
  const current = ticket("visitor");
  const list = document.getElementById("visitor-items");
  list.replaceChildren();
  for (const [itemId, title] of visitor) list.append(labelled("li", {item_id: itemId, title}));
  if (visitor.size === 0) {
    fillList("visitor-recs", []);
    document.getElementById("visitor-note").textContent = "";
    showError("visitor", null);
    return;
  }
  // the visitor's id is optional: left empty, the visitor is anonymous (the first variant);
  // given, it picks their A/B variant and per-user rules and is logged, as from a client
  const visitorId = document.getElementById("visitor-id").value.trim();
  const idLength = Array.from(visitorId).length;
  if (idLength > ID_LENGTH) {
    fillList("visitor-recs", []);
    document.getElementById("visitor-note").textContent = "";
    showError("visitor", `the visitor id has ${idLength} characters; an id has at most ` +
              `${ID_LENGTH}: shorten it, or leave it empty for an anonymous visitor`);
    return;
  }
  const request = {items: [...visitor.keys()], k: 10};
  if (visitorId) request.user_id = visitorId;
  try {
    const recs = await api("recommendations/new-user", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(request)});
    if (!current()) return;
    fillList("visitor-recs", recs.items);
    document.getElementById("visitor-note").textContent = recs.fallback || recs.shortfall || "";
    showError("visitor", null);
  } catch (error) {
    if (!current()) return;
    // the last list stayed on screen under the error, read as the answer to these items
    fillList("visitor-recs", []);
    document.getElementById("visitor-note").textContent = "";
    showError("visitor", error);
  }
}

async function search(event) {
  event.preventDefault();
  const current = ticket("search");
  const text = document.getElementById("search-text").value.trim();
  const note = document.getElementById("search-note");
  note.textContent = "";
  if (!text) {
    // a search of only spaces did nothing: the last search's results stayed on screen,
    // read as the answer to this one
    fillList("search-results", []);
    showError("search",
              "the search text is empty or only spaces; type a word of a title to search for");
    return;
  }
  const length = Array.from(text).length;  // by code point, as the service counts
  if (length > SEARCH_LENGTH) {
    fillList("search-results", []);
    showError("search", `the search text has ${length} characters; at most ${SEARCH_LENGTH} ` +
              "are searched for (an emoji counts as one): shorten it");
    return;
  }
  try {
    const found = await api(`items/search?q=${encodeURIComponent(text)}&limit=20`);
    if (!current()) return;
    fillList("search-results", found.items, (li, item) => {
      const neighbours = el("button", "neighbours", "pick neighbours");
      neighbours.type = "button";
      neighbours.addEventListener("click", () => showSimilar(item));
      const add = el("button", "+ visitor", "pick add-visitor");
      add.type = "button";
      add.addEventListener("click", () => { visitor.set(item.item_id, item.title); updateVisitor(); });
      li.append(neighbours, add);
    });
    // an empty list said nothing: the search seemed not to have run
    if (found.items.length === 0) note.textContent = `no title (or id) contains "${text}"`;
    showError("search", null);
  } catch (error) {
    if (!current()) return;
    fillList("search-results", []);
    showError("search", error);
  }
}

async function start() {
  document.getElementById("search-form").addEventListener("submit", search);
  document.getElementById("visitor-id").addEventListener("change", updateVisitor);
  const select = document.getElementById("user-select");
  select.addEventListener("change", () => showUser(select.value));
  try {
    const {users} = await api("users?limit=200");
    for (const user of users) {
      const option = el("option", user);  // an option holds text only: no <bdi>
      option.value = user;
      option.dir = "auto";
      select.append(option);
    }
    if (users.length) await showUser(users[0]);
  } catch (error) { showError("page", error); }
}

start();
