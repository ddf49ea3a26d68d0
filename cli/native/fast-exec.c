/*
 * vm-system-fast: the native launcher of every client command on a running
 * shared daemon. Starting node costs ~50 ms here, more than most commands;
 * this starts in ~1 ms, sends the command line, working directory,
 * environment and terminal facts (isatty, columns) to the daemon as `cli/run`
 * (server/protocol/cli-run.ts), and copies the `cli/output` text it gets back
 * to stdout/stderr until the answer brings the exit code. The daemon runs the
 * command with the JavaScript CLI's own program (cli/remote.ts): parsing,
 * rendering, colours, `--json` and exit codes are the CLI's, not this file's.
 *
 * It knows one command: a `run` with no daemon yet starts the background
 * daemon itself (as the JavaScript CLI would, without starting node for the
 * CLI first) and stops it again when the daemon says the command did not use
 * it (a usage error). Its one guess is the database (`--db`, VM_SYSTEM_DB,
 * the XDG default) to find the daemon's socket; the daemon checks the guess.
 * The JavaScript CLI (exec of `node $VM_SYSTEM_JS_CLI ...`) runs the command
 * instead when no daemon answers (other commands; it starts one), when the daemon answers
 * `runLocally` (the command needs this process's stdin or signals — repl,
 * rpc, watch, `exec repl -` — manages daemons, or names another database), or
 * when the daemon refuses `cli/run` (an older daemon). Ctrl-C is forwarded as
 * `$/cancelRequest`; a second one leaves at once (exit 130).
 *
 * Built by esbuild.mjs when a C compiler is present (isolated-vm needs one
 * anyway); bin/vm-system only uses it when it exists.
 *
 * The daemon's answers are parsed by the small JSON reader below: a
 * dependency-free C file builds everywhere the addon does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_CODE_FAILED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

static int g_argc;
static char **g_argv;
extern char **environ;

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
  size_t str_len;     /* its length: the text may hold NULs */
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

static char *parse_string_body(Parser *p, size_t *len) {
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
  if (len) *len = b.len;
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
        key = parse_string_body(p, NULL);
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
    j->str = parse_string_body(p, &j->str_len);
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
static int wrote; /* once output was copied, falling back to node would repeat it */

static void on_sigint(int sig) { (void)sig; interrupts++; }

/** Copies output; a reader that went away (`| head`) ends the command quietly, as the JavaScript CLI does. */
static void write_out(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) exit(EXIT_OK);
      return;
    }
    s += w;
    n -= (size_t)w;
  }
}

static void write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) { if (errno == EINTR) continue; return; }
    s += w;
    n -= (size_t)w;
  }
}

static void send_frame(const Buf *body) {
  char head[64];
  int n = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", body->len);
  Buf frame = {0};
  buf_add(&frame, head, (size_t)n);
  buf_add(&frame, body->p, body->len);
  write_all(sock, frame.p, frame.len);
  free(frame.p);
}

/** The next message from the daemon (parsed), or NULL when the connection ended. Forwards Ctrl-C meanwhile. */
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
      if (length < 0) return NULL;
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
        return m;
      }
    }
    if (interrupts > cancelled) {
      if (interrupts > 1) exit(130);
      cancelled = interrupts;
      Buf b = {0};
      buf_fmt(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":%d}}", cancel_id);
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

/** isatty and, for a terminal, its width: what process.stdout.isTTY / .columns tell the JavaScript CLI. */
static void add_stream_facts(Buf *b, int fd) {
  struct winsize ws;
  if (!isatty(fd)) { buf_str(b, "{\"isTTY\":false}"); return; }
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) buf_fmt(b, "{\"isTTY\":true,\"columns\":%u}", (unsigned)ws.ws_col);
  else buf_str(b, "{\"isTTY\":true}");
}

/** The `cli/run` request: argv, cwd, the whole environment, the facts of stdout and stderr. */
static void send_cli_run(int id) {
  Buf b = {0};
  buf_fmt(&b, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"cli/run\",\"params\":{\"argv\":[", id);
  for (int i = 1; i < g_argc; i++) {
    if (i > 1) buf_add(&b, ",", 1);
    buf_json_string(&b, g_argv[i]);
  }
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) fallback();
  buf_str(&b, "],\"cwd\":");
  buf_json_string(&b, cwd);
  buf_str(&b, ",\"env\":{");
  int first = 1;
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || eq == *e) continue;
    char *name = strndup(*e, (size_t)(eq - *e));
    if (!first) buf_add(&b, ",", 1);
    first = 0;
    buf_json_string(&b, name);
    buf_add(&b, ":", 1);
    buf_json_string(&b, eq + 1);
    free(name);
  }
  buf_str(&b, "},\"stdout\":");
  add_stream_facts(&b, 1);
  buf_str(&b, ",\"stderr\":");
  add_stream_facts(&b, 2);
  buf_str(&b, "}}");
  send_frame(&b);
  free(b.p);
}

/** The daemon is gone or said something this client cannot follow: node runs the command, unless output was copied already. */
static int give_up(void) {
  if (!wrote) fallback();
  fprintf(stderr, "vm-system: the daemon closed the connection\n");
  return EXIT_UNREACHABLE;
}

/* ------------------------------------------------------------ starting the background daemon (cli/daemon/background.ts) */

/**
 * `run` with no daemon yet: the JavaScript CLI would start one and then run the file. Starting it
 * from here saves starting node for the CLI first. Only `run` (the command whose first run is cold),
 * never with help or version flags; anything else with no daemon goes to node as before. The daemon
 * then says whether the command used it (`attached`): if not (a usage error), it is stopped again,
 * as node would not have started it.
 */
static int starts_daemon(int argc, char **argv) {
  const char *first = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-V") || !strcmp(a, "--version") || !strcmp(a, "--")) return 0;
    if (!strcmp(a, "--db")) { i++; continue; }
    if (a[0] == '-') continue;
    if (!first) first = a;
  }
  return first && !strcmp(first, "run");
}

/** 1: connected; 0: no daemon answers there; -1: the path holds something not ours (node explains). */
static int connect_daemon(const char *socket_path, const struct sockaddr_un *addr) {
  struct stat st;
  if (lstat(socket_path, &st) != 0) return errno == ENOENT ? 0 : -1;
  /* Only a socket of this user's own: the JS CLI explains a foreign one (docs/security.md). */
  if (!S_ISSOCK(st.st_mode) || st.st_uid != getuid()) return -1;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0) { close(fd); return 0; }
  sock = fd;
  return 1;
}

static long idle_timeout_ms(void) {
  const char *raw = getenv("VM_SYSTEM_IDLE_MS");
  long v = raw ? strtol(raw, NULL, 10) : 0;
  return v > 0 ? v : 5 * 60 * 1000;
}

/** `node dist/daemon.js serve --socket --db DB --idle-timeout N`, detached, output to `<db>.daemon.log`; its pid, or 0 (node starts it instead). */
static pid_t start_daemon(const char *db_path) {
  const char *cli = getenv("VM_SYSTEM_JS_CLI");
  if (!cli || !*cli) return 0;
  Buf script = {0};
  const char *slash = strrchr(cli, '/');
  if (slash) buf_add(&script, cli, (size_t)(slash - cli + 1));
  buf_str(&script, "../dist/daemon.js");
  /* Absolute: the daemon starts in the database's folder (VM_SYSTEM_JS_CLI may be relative, `./bin/vm-system`). */
  char *daemon_js = realpath(script.p, NULL);
  free(script.p);
  if (!daemon_js || access(daemon_js, R_OK) != 0) return 0;
  char *dir = strdup(db_path);
  char *cut = strrchr(dir, '/');
  if (!cut) return 0;
  *cut = 0;
  if (!*dir) strcpy(dir, "/");
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return 0; /* a deeper missing folder: node makes it */
  Buf log = {0};
  buf_str(&log, db_path);
  buf_str(&log, ".daemon.log");
  int log_fd = open(log.p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd < 0) return 0;
  char idle[32];
  snprintf(idle, sizeof idle, "%ld", idle_timeout_ms());
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    if (chdir(dir) != 0) _exit(127);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    char *args[] = { "node", daemon_js, "serve", "--socket", "--db", (char *)db_path, "--idle-timeout", idle, NULL };
    execvp("node", args);
    _exit(127);
  }
  close(log_fd);
  free(dir);
  free(log.p);
  free(daemon_js);
  return pid > 0 ? pid : 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/** Waits for the started daemon's socket; node takes over when the daemon exits first (a lost race, a held database) or never answers. */
static void await_daemon(pid_t pid, const char *socket_path, const struct sockaddr_un *addr) {
  for (int waited = 0; waited < 20000; waited += 3) {
    int c = connect_daemon(socket_path, addr);
    if (c == 1) return;
    if (c < 0 || waitpid(pid, NULL, WNOHANG) == pid) fallback();
    sleep_ms(3);
  }
  fallback();
}

/** The command did not use the daemon started for it: shut it down and wait until it is gone, as if it had never run. */
static void stop_started_daemon(pid_t pid) {
  Buf b = {0};
  buf_str(&b, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}");
  send_frame(&b);
  free(b.p);
  for (;;) {
    Json *m = next_message(3);
    if (!m) break;
    Json *id = get(m, "id");
    if (id && id->type == J_NUM && (int)id->num == 3) break;
  }
  close(sock);
  for (int waited = 0; waited < 5000; waited += 5) {
    if (waitpid(pid, NULL, WNOHANG) == pid) return;
    sleep_ms(5);
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  /* The database, to find the socket: a guess the daemon checks (cli/remote.ts runs it locally if it is not the daemon's). */
  const char *db = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) break;
    if (!strcmp(a, "--db") && i + 1 < argc) db = argv[++i];
    else if (!strncmp(a, "--db=", 5)) db = a + 5;
  }
  char *raw_db = db ? strdup(db) : default_db_path();
  if (!raw_db) fallback();
  char *db_path = resolve_path(raw_db);
  if (!db_path) fallback();
  char *socket_path = socket_path_for(db_path);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(socket_path) >= sizeof addr.sun_path) fallback();
  strcpy(addr.sun_path, socket_path);
  pid_t started = 0;
  int connected = connect_daemon(socket_path, &addr);
  if (connected < 0) fallback();
  if (connected == 0) {
    /* No daemon: `run` starts it from here; anything else goes to the JS CLI (it starts one when the command needs it). */
    if (!starts_daemon(argc, argv) || !(started = start_daemon(db_path))) fallback();
    await_daemon(started, socket_path, &addr);
  }

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = { 0 };
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);

  Buf init = {0};
  buf_fmt(&init, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":%d,\"clientInfo\":{\"name\":\"vm-system-cli\"}}}", (int)getpid());
  send_frame(&init);
  free(init.p);
  send_cli_run(2);

  for (;;) {
    Json *m = next_message(2);
    if (!m) return give_up();
    Json *id = get(m, "id");
    const char *method = get_str(m, "method");
    if (method && !id) {
      if (!strcmp(method, "cli/output")) {
        Json *params = get(m, "params");
        const char *stream = get_str(params, "stream");
        Json *text = get(params, "text");
        if (stream && text && text->type == J_STR) {
          /* The decoded text: UTF-8, a lone surrogate as U+FFFD (as Node writes it). */
          wrote = 1;
          write_out(!strcmp(stream, "stderr") ? 2 : 1, text->str, text->str_len);
        }
      }
      continue;
    }
    if (method) continue; /* a request from the daemon: this client declared no capability that asks for one */
    /* initialize or cli/run refused (an older daemon; a frame it could not read answers with id null): node runs it */
    if (get(m, "error")) return give_up();
    if (!id || id->type != J_NUM || (int)id->num != 2) continue;
    Json *result = get(m, "result");
    Json *code = get(result, "exitCode");
    if (code && code->type == J_NUM) {
      Json *attached = get(result, "attached");
      if (started && attached && attached->type == J_FALSE) stop_started_daemon(started);
      return (int)code->num;
    }
    if (get(result, "runLocally")) fallback();
    return give_up();
  }
}
