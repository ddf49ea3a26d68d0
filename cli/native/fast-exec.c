/*
 * vm-system-fast: `vm-system [--db P] [--json] exec repl SESSION CODE` against
 * a running shared daemon, as a native executable. Starting node costs ~60 ms
 * here, more than the whole request; this answers in a few. It is the same
 * command as cli/fast/exec.ts (same arguments, output, colours and exit
 * codes; the CLI tests drive both), and anything else — other commands, no
 * daemon on the socket, `-` as code, an argument it does not know — is handed
 * to the JavaScript CLI unchanged (exec of `node $VM_SYSTEM_JS_CLI ...`).
 *
 * Built by esbuild.mjs when a C compiler is present (isolated-vm needs one
 * anyway); bin/vm-system only uses it when it exists.
 *
 * The daemon's answers are parsed by the small JSON reader below: the client
 * needs a handful of fields, and a dependency-free C file builds everywhere
 * the addon does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_CODE_FAILED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

static int g_argc;
static char **g_argv;

/* ------------------------------------------------------------ fallback */

/** Hands the command to the JavaScript CLI (it starts daemons, parses everything, prints help). */
static void fallback(void) {
  const char *cli = getenv("VM_SYSTEM_JS_CLI");
  if (!cli || !*cli) {
    fprintf(stderr, "vm-system: VM_SYSTEM_JS_CLI is not set (run vm-system through bin/vm-system)\n");
    exit(EXIT_UNREACHABLE);
  }
  char **args = calloc((size_t)g_argc + 2, sizeof(char *));
  if (!args) exit(EXIT_UNREACHABLE);
  args[0] = "node";
  args[1] = (char *)cli;
  for (int i = 1; i < g_argc; i++) args[i + 1] = g_argv[i];
  execvp("node", args);
  fprintf(stderr, "vm-system: cannot run node: %s\n", strerror(errno));
  exit(EXIT_UNREACHABLE);
}

/* ------------------------------------------------------------ growable buffer */

typedef struct { char *p; size_t len, cap; } Buf;

static void buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) { fprintf(stderr, "vm-system: out of memory\n"); exit(EXIT_UNREACHABLE); }
  b->p = p;
  b->cap = cap;
}
static void buf_add(Buf *b, const char *s, size_t n) { buf_reserve(b, n); memcpy(b->p + b->len, s, n); b->len += n; b->p[b->len] = 0; }
static void buf_str(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_fmt(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/** A JSON string literal of `s` (UTF-8 passed through, as JSON.stringify does). */
static void buf_json_string(Buf *b, const char *s) {
  buf_add(b, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    switch (*c) {
      case '"': buf_str(b, "\\\""); break;
      case '\\': buf_str(b, "\\\\"); break;
      case '\n': buf_str(b, "\\n"); break;
      case '\r': buf_str(b, "\\r"); break;
      case '\t': buf_str(b, "\\t"); break;
      case '\b': buf_str(b, "\\b"); break;
      case '\f': buf_str(b, "\\f"); break;
      default:
        if (*c < 0x20) buf_fmt(b, "\\u%04x", *c);
        else buf_add(b, (const char *)c, 1);
    }
  }
  buf_add(b, "\"", 1);
}

/* ------------------------------------------------------------ JSON reader */

typedef enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ } JType;

typedef struct Json {
  JType type;
  double num;
  char *str;          /* decoded, NUL-terminated (J_STR) */
  size_t count;       /* J_ARR items / J_OBJ members */
  char **keys;        /* J_OBJ */
  struct Json **items;
  const char *raw;    /* the value's text in the body */
  size_t raw_len;
} Json;

typedef struct { const char *s, *end; int depth; } Parser;

static void skip_ws(Parser *p) { while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) p->s++; }

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static void put_utf8(Buf *b, unsigned cp) {
  char o[4];
  if (cp < 0x80) { o[0] = (char)cp; buf_add(b, o, 1); }
  else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); buf_add(b, o, 2); }
  else if (cp < 0x10000) { o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F)); buf_add(b, o, 3); }
  else { o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); buf_add(b, o, 4); }
}

static char *parse_string_body(Parser *p) {
  /* p->s is just past the opening quote */
  Buf b = {0};
  buf_reserve(&b, 16);
  while (p->s < p->end && *p->s != '"') {
    char c = *p->s++;
    if (c != '\\') { buf_add(&b, &c, 1); continue; }
    if (p->s >= p->end) break;
    char e = *p->s++;
    switch (e) {
      case 'n': buf_add(&b, "\n", 1); break;
      case 't': buf_add(&b, "\t", 1); break;
      case 'r': buf_add(&b, "\r", 1); break;
      case 'b': buf_add(&b, "\b", 1); break;
      case 'f': buf_add(&b, "\f", 1); break;
      case 'u': {
        unsigned cp;
        if (p->end - p->s < 4 || !hex4(p->s, &cp)) { free(b.p); return NULL; }
        p->s += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
          unsigned lo;
          if (hex4(p->s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            p->s += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; /* a lone surrogate, as Node prints it */
        put_utf8(&b, cp);
        break;
      }
      default: buf_add(&b, &e, 1); /* \" \\ \/ */
    }
  }
  if (p->s >= p->end) { free(b.p); return NULL; }
  p->s++; /* closing quote */
  return b.p;
}

static Json *parse_value(Parser *p);

static Json *new_json(JType t, const char *raw) {
  Json *j = calloc(1, sizeof *j);
  if (!j) exit(EXIT_UNREACHABLE);
  j->type = t;
  j->raw = raw;
  return j;
}

static Json *parse_value(Parser *p) {
  skip_ws(p);
  if (p->s >= p->end || ++p->depth > 512) return NULL;
  const char *start = p->s;
  Json *j = NULL;
  char c = *p->s;
  if (c == '{' || c == '[') {
    int obj = c == '{';
    j = new_json(obj ? J_OBJ : J_ARR, start);
    p->s++;
    size_t cap = 0;
    skip_ws(p);
    if (p->s < p->end && *p->s == (obj ? '}' : ']')) { p->s++; goto done; }
    for (;;) {
      char *key = NULL;
      if (obj) {
        skip_ws(p);
        if (p->s >= p->end || *p->s != '"') return NULL;
        p->s++;
        key = parse_string_body(p);
        if (!key) return NULL;
        skip_ws(p);
        if (p->s >= p->end || *p->s != ':') return NULL;
        p->s++;
      }
      Json *v = parse_value(p);
      if (!v) return NULL;
      if (j->count == cap) {
        cap = cap ? cap * 2 : 8;
        j->items = realloc(j->items, cap * sizeof *j->items);
        if (obj) j->keys = realloc(j->keys, cap * sizeof *j->keys);
        if (!j->items || (obj && !j->keys)) exit(EXIT_UNREACHABLE);
      }
      if (obj) j->keys[j->count] = key;
      j->items[j->count++] = v;
      skip_ws(p);
      if (p->s < p->end && *p->s == ',') { p->s++; continue; }
      if (p->s < p->end && *p->s == (obj ? '}' : ']')) { p->s++; break; }
      return NULL;
    }
  } else if (c == '"') {
    p->s++;
    j = new_json(J_STR, start);
    j->str = parse_string_body(p);
    if (!j->str) return NULL;
  } else if (!strncmp(p->s, "true", 4) && p->end - p->s >= 4) { j = new_json(J_TRUE, start); p->s += 4; }
  else if (!strncmp(p->s, "false", 5) && p->end - p->s >= 5) { j = new_json(J_FALSE, start); p->s += 5; }
  else if (!strncmp(p->s, "null", 4) && p->end - p->s >= 4) { j = new_json(J_NULL, start); p->s += 4; }
  else {
    char *num_end;
    double d = strtod(p->s, &num_end);
    if (num_end == p->s || num_end > p->end) return NULL;
    j = new_json(J_NUM, start);
    j->num = d;
    p->s = num_end;
  }
done:
  p->depth--;
  j->raw_len = (size_t)(p->s - start);
  return j;
}

static Json *json_parse(const char *s, size_t len) {
  Parser p = { s, s + len, 0 };
  return parse_value(&p);
}

static Json *get(const Json *o, const char *key) {
  if (!o || o->type != J_OBJ) return NULL;
  for (size_t i = 0; i < o->count; i++) if (!strcmp(o->keys[i], key)) return o->items[i];
  return NULL;
}
static const char *get_str(const Json *o, const char *key) { Json *v = get(o, key); return v && v->type == J_STR ? v->str : NULL; }

/* ------------------------------------------------------------ output */

typedef struct { int enabled; } Paint;
static Paint out_paint, err_paint;

static int colors_wanted(int fd) {
  const char *no = getenv("NO_COLOR");
  if (no && *no) return 0;
  const char *term = getenv("TERM");
  return isatty(fd) && !(term && !strcmp(term, "dumb"));
}

static void paint(Buf *b, Paint pt, int open, int close, const char *s) {
  if (pt.enabled) buf_fmt(b, "\x1b[%dm", open);
  buf_str(b, s);
  if (pt.enabled) buf_fmt(b, "\x1b[%dm", close);
}

static void write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) { if (errno == EINTR) continue; return; }
    s += w;
    n -= (size_t)w;
  }
}

static char *last_exec_id;
static double last_seq;

/** cli/render.ts renderEvent, for the events of one execution, each printed once. */
static void print_event(const Json *ev) {
  const char *type = get_str(ev, "type");
  const char *exec_id = get_str(ev, "executionId");
  Json *seq = get(ev, "seq");
  Json *payload = get(ev, "payload");
  if (!type || !seq || seq->type != J_NUM) return;
  if (exec_id) {
    if (last_exec_id && !strcmp(last_exec_id, exec_id)) {
      if (seq->num <= last_seq) return;
    } else {
      free(last_exec_id);
      last_exec_id = strdup(exec_id);
    }
    last_seq = seq->num;
  }
  Buf b = {0};
  int fd = 1;
  if (!strcmp(type, "console")) {
    const char *level = get_str(payload, "level");
    const char *text = get_str(payload, "text");
    if (!text) text = "";
    if (level && !strcmp(level, "warn")) { fd = 2; paint(&b, err_paint, 33, 39, text); }
    else if (level && !strcmp(level, "error")) { fd = 2; paint(&b, err_paint, 31, 39, text); }
    else if (level && !strcmp(level, "debug")) paint(&b, out_paint, 2, 22, text);
    else buf_str(&b, text);
  } else if (!strcmp(type, "value")) {
    const char *vt = get_str(payload, "type");
    const char *preview = get_str(payload, "preview");
    if (!vt || !preview || !strcmp(vt, "undefined")) return;
    if (!strcmp(vt, "number") || !strcmp(vt, "bigint") || !strcmp(vt, "boolean")) paint(&b, out_paint, 33, 39, preview);
    else if (!strcmp(vt, "string")) paint(&b, out_paint, 32, 39, preview);
    else if (!strcmp(vt, "null")) paint(&b, out_paint, 1, 22, preview);
    else if (!strcmp(vt, "function") || !strcmp(vt, "symbol")) paint(&b, out_paint, 36, 39, preview);
    else if (!strcmp(vt, "regexp") || !strcmp(vt, "date")) paint(&b, out_paint, 35, 39, preview);
    else buf_str(&b, preview);
  } else if (!strcmp(type, "exception")) {
    fd = 2;
    Buf line = {0};
    const char *name = get_str(payload, "name"), *message = get_str(payload, "message");
    buf_str(&line, name ? name : "undefined");
    buf_str(&line, ": ");
    buf_str(&line, message ? message : "undefined");
    paint(&b, err_paint, 31, 39, line.p);
    free(line.p);
    Json *loc = get(payload, "location");
    const char *lpath = get_str(loc, "path");
    Json *lline = get(loc, "line"), *lcol = get(loc, "column");
    if (loc && lpath && lline && lcol) {
      Buf at = {0};
      buf_str(&at, "    at ");
      buf_str(&at, lpath);
      buf_add(&at, ":", 1);
      buf_add(&at, lline->raw, lline->raw_len);
      buf_add(&at, ":", 1);
      buf_add(&at, lcol->raw, lcol->raw_len);
      buf_add(&b, "\n", 1);
      paint(&b, err_paint, 2, 22, at.p);
      free(at.p);
    }
  } else if (!strcmp(type, "system")) {
    fd = 2;
    const char *message = get_str(payload, "message");
    Buf line = {0};
    buf_str(&line, "[vm-system] ");
    buf_str(&line, message ? message : "undefined");
    paint(&b, err_paint, 33, 39, line.p);
    free(line.p);
  } else if (!strcmp(type, "display")) {
    /* text/plain of the bundle, as cli/render.ts prints it */
    const char *plain = get_str(get(payload, "data"), "text/plain");
    buf_str(&b, plain ? plain : "");
  } else {
    return; /* input_echo */
  }
  buf_add(&b, "\n", 1);
  write_all(fd, b.p, b.len);
  free(b.p);
}

/* ------------------------------------------------------------ paths (server/protocol/locations.ts, cli/daemon/paths.ts) */

/** path.resolve(p): absolute, `.`/`..`/duplicate slashes folded, no trailing slash. */
static char *resolve_path(const char *p) {
  Buf whole = {0};
  if (p[0] != '/') {
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return NULL;
    buf_str(&whole, cwd);
    buf_add(&whole, "/", 1);
  }
  buf_str(&whole, p);
  char **parts = calloc(whole.len + 1, sizeof(char *));
  size_t n = 0;
  for (char *tok = strtok(whole.p, "/"); tok; tok = strtok(NULL, "/")) {
    if (!strcmp(tok, ".")) continue;
    if (!strcmp(tok, "..")) { if (n > 0) n--; continue; }
    parts[n++] = tok;
  }
  Buf out = {0};
  if (n == 0) buf_add(&out, "/", 1);
  for (size_t i = 0; i < n; i++) { buf_add(&out, "/", 1); buf_str(&out, parts[i]); }
  free(parts);
  free(whole.p);
  return out.p;
}

static char *strip_trailing_slashes(const char *s) {
  char *r = strdup(s);
  size_t n = strlen(r);
  while (n > 0 && r[n - 1] == '/') r[--n] = 0;
  return r;
}

static char *default_db_path(void) {
  const char *env = getenv("VM_SYSTEM_DB");
  if (env && *env) return strdup(env);
  Buf b = {0};
  const char *xdg = getenv("XDG_DATA_HOME");
  if (xdg && *xdg) buf_str(&b, xdg);
  else {
    const char *home = getenv("HOME");
    if (!home || !*home) return NULL; /* node looks the home directory up: let it */
    char *h = strip_trailing_slashes(home);
    buf_str(&b, h);
    buf_str(&b, "/.local/share");
    free(h);
  }
  buf_str(&b, "/vm-system/vm-system.db");
  return b.p;
}

static char *socket_path_for(const char *db) {
  Buf b = {0};
  buf_str(&b, db);
  buf_str(&b, ".sock");
  if (b.len <= 103) return b.p;
  free(b.p);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *c = (const unsigned char *)db; *c; c++) { h ^= *c; h *= 0x100000001b3ULL; }
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = getenv("TMP");
  if (!tmp || !*tmp) tmp = getenv("TEMP");
  if (!tmp || !*tmp) tmp = "/tmp";
  char *t = strdup(tmp);
  size_t n = strlen(t);
  if (n > 1 && t[n - 1] == '/') t[--n] = 0; /* os.tmpdir() drops one trailing slash */
  char *trimmed = strip_trailing_slashes(t);
  Buf s = {0};
  /* privateRunDir() in server/protocol/locations.ts */
  const char *run = getenv("XDG_RUNTIME_DIR");
  if (run && *run) {
    char *r = strip_trailing_slashes(run);
    buf_str(&s, r);
    buf_str(&s, "/vm-system");
    free(r);
  } else {
    buf_str(&s, trimmed);
    buf_fmt(&s, "/vm-system-%u", (unsigned)getuid());
  }
  buf_fmt(&s, "/%016llx.sock", (unsigned long long)h);
  free(t);
  free(trimmed);
  return s.p;
}

/* ------------------------------------------------------------ the connection */

static int sock = -1;
static Buf inbuf;
static volatile sig_atomic_t interrupts;

static void on_sigint(int sig) { (void)sig; interrupts++; }

static void send_frame(const Buf *body) {
  char head[64];
  int n = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", body->len);
  Buf frame = {0};
  buf_add(&frame, head, (size_t)n);
  buf_add(&frame, body->p, body->len);
  write_all(sock, frame.p, frame.len);
  free(frame.p);
}

static void send_request(int id, const char *method, const char *params_json) {
  Buf b = {0};
  buf_fmt(&b, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":", id);
  buf_json_string(&b, method);
  buf_str(&b, ",\"params\":");
  buf_str(&b, params_json);
  buf_str(&b, "}");
  send_frame(&b);
  free(b.p);
}

/** The next message from the daemon (parsed), or NULL when the connection ended. Handles Ctrl-C meanwhile. */
static Json *next_message(int cancel_id) {
  static int cancelled;
  for (;;) {
    char *hdr_end = inbuf.len ? memmem(inbuf.p, inbuf.len, "\r\n\r\n", 4) : NULL;
    if (hdr_end) {
      size_t hdr_len = (size_t)(hdr_end - inbuf.p);
      long length = -1;
      for (size_t i = 0; i + 15 <= hdr_len; i++) {
        if (!strncasecmp(inbuf.p + i, "content-length:", 15)) { length = strtol(inbuf.p + i + 15, NULL, 10); break; }
      }
      if (length < 0) { fprintf(stderr, "vm-system: bad frame header from the daemon\n"); exit(EXIT_UNREACHABLE); }
      size_t start = hdr_len + 4;
      if (inbuf.len >= start + (size_t)length) {
        /* A copy: the parsed value's raw spans point into its body, which must outlive it. */
        char *body = malloc((size_t)length + 1);
        if (!body) exit(EXIT_UNREACHABLE);
        memcpy(body, inbuf.p + start, (size_t)length);
        body[length] = 0;
        Json *m = json_parse(body, (size_t)length);
        memmove(inbuf.p, inbuf.p + start + length, inbuf.len - start - (size_t)length);
        inbuf.len -= start + (size_t)length;
        if (!m) { fprintf(stderr, "vm-system: the daemon sent a message that is not JSON\n"); exit(EXIT_UNREACHABLE); }
        return m;
      }
    }
    if (interrupts > cancelled) {
      if (interrupts > 1 || cancel_id == 0) exit(130);
      cancelled = interrupts;
      char params[64];
      snprintf(params, sizeof params, "{\"id\":%d}", cancel_id);
      Buf b = {0};
      buf_str(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":");
      buf_str(&b, params);
      buf_str(&b, "}");
      send_frame(&b);
      free(b.p);
    }
    struct pollfd pfd = { sock, POLLIN, 0 };
    int r = poll(&pfd, 1, -1);
    if (r < 0) { if (errno == EINTR) continue; return NULL; }
    buf_reserve(&inbuf, 65536);
    ssize_t n = read(sock, inbuf.p + inbuf.len, 65536);
    if (n < 0) { if (errno == EINTR) continue; return NULL; }
    if (n == 0) return NULL;
    inbuf.len += (size_t)n;
  }
}

/** Waits for the answer to request `id`, printing `executions/event` notifications meanwhile (unless json). */
static Json *await_response(int id, int json, int cancel_id) {
  for (;;) {
    Json *m = next_message(cancel_id);
    if (!m) return NULL;
    Json *mid = get(m, "id");
    const char *method = get_str(m, "method");
    if (method && !mid) {
      if (!json && !strcmp(method, "executions/event")) print_event(get(get(m, "params"), "event"));
      continue;
    }
    if (method) continue; /* a request from the daemon: this client declared no capability that asks for one */
    if (mid && mid->type == J_NUM && (int)mid->num == id) return m;
  }
}

static int connection_lost(void) {
  fprintf(stderr, "vm-system: the daemon closed the connection\n");
  return EXIT_UNREACHABLE;
}

/** cli/fast/exec.ts reportFailure. */
static int report_failure(const Json *error, int json) {
  Json *data = get(error, "data");
  const char *code = get_str(data, "code");
  char numeric[32];
  if (!code) {
    Json *c = get(error, "code");
    snprintf(numeric, sizeof numeric, "%.0f", c && c->type == J_NUM ? c->num : 0);
    code = numeric;
  }
  const char *message = get_str(error, "message");
  Buf b = {0};
  buf_str(&b, "vm-system: ");
  buf_str(&b, code);
  buf_str(&b, ": ");
  buf_str(&b, message ? message : "undefined");
  buf_add(&b, "\n", 1);
  write_all(2, b.p, b.len);
  free(b.p);
  if (strcmp(code, "OUTPUT_LIMIT_EXCEEDED") && strcmp(code, "REQUEST_CANCELLED")) return EXIT_USAGE;
  const char *execution_id = get_str(get(data, "details"), "executionId");
  if (json && execution_id) {
    /* The partial execution stays queryable: print it as the result. */
    Buf params = {0};
    buf_str(&params, "{\"executionId\":");
    buf_json_string(&params, execution_id);
    buf_str(&params, "}");
    send_request(3, "executions/get", params.p);
    params.len = 0;
    buf_str(&params, "{\"executionId\":");
    buf_json_string(&params, execution_id);
    buf_str(&params, ",\"limit\":10000}");
    send_request(4, "executions/events", params.p);
    free(params.p);
    Json *got = await_response(3, 1, 0);
    Json *page = got ? await_response(4, 1, 0) : NULL;
    Json *execution = got ? get(got, "result") : NULL;
    Json *events = page ? get(get(page, "result"), "events") : NULL;
    if (execution && execution->type == J_OBJ && execution->count > 0) {
      Buf out = {0};
      buf_add(&out, execution->raw, execution->raw_len - 1);
      buf_str(&out, ",\"events\":");
      if (events && events->type == J_ARR) buf_add(&out, events->raw, events->raw_len);
      else buf_str(&out, "[]");
      buf_str(&out, "}\n");
      write_all(1, out.p, out.len);
      free(out.p);
    }
  }
  return EXIT_CODE_FAILED;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  /* cli/fast/exec.ts parseFastExecRepl: `[--db P] [--json] exec repl SESSION CODE`, nothing else. */
  const char *db = NULL;
  int json = 0;
  const char *pos[8];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) { for (i++; i < argc; i++) { if (npos == 8) fallback(); pos[npos++] = argv[i]; } break; }
    if (!strcmp(a, "--json")) json = 1;
    else if (!strcmp(a, "--db") && i + 1 < argc) db = argv[++i];
    else if (!strncmp(a, "--db=", 5)) db = a + 5;
    else if (a[0] == '-') fallback();
    else { if (npos == 8) fallback(); pos[npos++] = a; }
  }
  if (npos != 4 || strcmp(pos[0], "exec") || strcmp(pos[1], "repl") || !strcmp(pos[3], "-")) fallback();

  char *raw_db = db ? strdup(db) : default_db_path();
  if (!raw_db) fallback();
  char *db_path = resolve_path(raw_db);
  if (!db_path) fallback();
  char *socket_path = socket_path_for(db_path);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(socket_path) >= sizeof addr.sun_path) fallback();
  strcpy(addr.sun_path, socket_path);
  /* Only a socket of this user's own: the JS CLI explains a foreign one (docs/security.md). */
  struct stat st;
  if (lstat(socket_path, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != getuid()) fallback();
  sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) fallback(); /* no daemon: the JS CLI starts one */

  out_paint.enabled = colors_wanted(1);
  err_paint.enabled = colors_wanted(2);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = { 0 };
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);

  Buf params = {0};
  buf_fmt(&params, "{\"processId\":%d,\"clientInfo\":{\"name\":\"vm-system-cli\"}}", (int)getpid());
  send_request(1, "initialize", params.p);
  params.len = 0;
  buf_str(&params, "{\"sessionId\":");
  buf_json_string(&params, pos[2]);
  buf_str(&params, ",\"input\":");
  buf_json_string(&params, pos[3]);
  buf_str(&params, "}");
  send_request(2, "executions/repl", params.p);
  free(params.p);

  Json *init = await_response(1, json, 0);
  if (!init) return connection_lost();
  if (get(init, "error")) return report_failure(get(init, "error"), json);
  Json *answer = await_response(2, json, 2);
  if (!answer) return connection_lost();
  Json *error = get(answer, "error");
  if (error) return report_failure(error, json);
  Json *execution = get(answer, "result");
  if (!execution) return connection_lost();
  if (json) {
    Buf out = {0};
    buf_add(&out, execution->raw, execution->raw_len);
    buf_add(&out, "\n", 1);
    write_all(1, out.p, out.len);
    free(out.p);
  } else {
    Json *events = get(execution, "events");
    if (events && events->type == J_ARR) for (size_t i = 0; i < events->count; i++) print_event(events->items[i]);
  }
  const char *status = get_str(execution, "status");
  return status && !strcmp(status, "ok") ? EXIT_OK : EXIT_CODE_FAILED;
}
