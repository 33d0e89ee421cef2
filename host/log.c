/* SPDX-License-Identifier: MIT */
/* host/log.c: the log line writer: logfmt or JSON lines on stderr, one write per
 * line so threads never interleave.
 *
 * The callers write printf formats with key=value words in them ("event=x
 * reason=\"%s\" attempts=%d"). The format is walked here conversion by
 * conversion, so each value's bounds are known exactly (a reason holding spaces,
 * quotes or "key=" is one value, not several fields) and so is its type: a %d is
 * a number, a %s a string. Nothing is parsed back out of formatted text. */
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "util.h"

/* Both are set before the first thread starts and read by every thread (librdkafka's too). */
static atomic_int level_max = COFFER_LOG_INFO;
static atomic_int out_format = LOG_FORMAT_LOGFMT;
static _Thread_local const struct log_ctx *cur;

static const char *const names[] = {"error", "warn", "info", "debug"};

/* The text of one line is cut at this many bytes (as the printf text was). */
#define TEXT_MAX 2047
#define MAX_PIECES 96
#define MAX_FIELDS 32

void log_set_level(enum coffer_log_level level) { atomic_store_explicit(&level_max, (int)level, memory_order_relaxed); }
enum coffer_log_level log_get_level(void)
{
	return (enum coffer_log_level)atomic_load_explicit(&level_max, memory_order_relaxed);
}
void log_set_format(enum log_format f) { atomic_store_explicit(&out_format, (int)f, memory_order_relaxed); }
enum log_format log_get_format(void)
{
	return (enum log_format)atomic_load_explicit(&out_format, memory_order_relaxed);
}
void log_set_ctx(const struct log_ctx *c) { cur = c; }

int log_parse_level(const char *s)
{
	static const struct { const char *n; int l; } tab[] = {
		{"error", COFFER_LOG_ERROR}, {"err", COFFER_LOG_ERROR}, {"fatal", COFFER_LOG_ERROR},
		{"panic", COFFER_LOG_ERROR}, {"warn", COFFER_LOG_WARN}, {"warning", COFFER_LOG_WARN},
		{"info", COFFER_LOG_INFO}, {"debug", COFFER_LOG_DEBUG}, {"trace", COFFER_LOG_DEBUG},
	};
	for (size_t i = 0; s && i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(s, tab[i].n) == 0)
			return tab[i].l;
	return -1;
}

int log_parse_format(const char *s)
{
	if (s && strcmp(s, "logfmt") == 0)
		return LOG_FORMAT_LOGFMT;
	if (s && strcmp(s, "json") == 0)
		return LOG_FORMAT_JSON;
	return -1;
}

enum coffer_log_level log_level_of_syslog(int level)
{
	if (level <= 3) /* emerg, alert, crit, err */
		return COFFER_LOG_ERROR;
	if (level == 4) /* warning */
		return COFFER_LOG_WARN;
	if (level <= 6) /* notice, info */
		return COFFER_LOG_INFO;
	return COFFER_LOG_DEBUG;
}

char *log_time(int64_t us, char out[LOG_TIME_LEN])
{
	int64_t secs = us / 1000000 - (us % 1000000 < 0);
	int ms = (int)((us - secs * 1000000) / 1000);
	time_t t = (time_t)secs;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	char txt[128]; /* room for any int: the compiler cannot know the ranges */
	snprintf(txt, sizeof txt, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	size_t n = strlen(txt) < LOG_TIME_LEN ? strlen(txt) : LOG_TIME_LEN - 1;
	memcpy(out, txt, n);
	out[n] = '\0';
	return out;
}

/* ------------------------------------------------------------ a growing buffer */

struct sb {
	char *p;
	size_t n, cap;
	bool heap, bad;
};

static void sb_init(struct sb *b, char *stack, size_t cap)
{
	*b = (struct sb){stack, 0, cap, false, false};
	stack[0] = '\0';
}

static bool sb_room(struct sb *b, size_t more)
{
	if (b->bad)
		return false;
	if (b->n + more < b->cap)
		return true;
	size_t c = b->cap * 2;
	while (c <= b->n + more)
		c *= 2;
	char *p = b->heap ? realloc(b->p, c) : malloc(c);
	if (p == NULL) {
		b->bad = true;
		return false;
	}
	if (!b->heap)
		memcpy(p, b->p, b->n + 1);
	b->p = p;
	b->cap = c;
	b->heap = true;
	return true;
}

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (!sb_room(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_putc(struct sb *b, char c) { sb_put(b, &c, 1); }
static void sb_puts(struct sb *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_free(struct sb *b)
{
	if (b->heap)
		free(b->p);
}

/* ------------------------------------------------------------ escaping */

/* Length of the valid UTF-8 sequence at @p s (of @p n bytes), 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, for a byte that is not UTF-8 */

/* The UTF-8 sequence at the start of @p s (@p n > 0 bytes), or U+FFFD for a byte that
 * starts none; returns how many bytes of @p s it took. */
static size_t put_utf8_one(struct sb *b, const char *s, size_t n)
{
	size_t k = utf8_seq((const unsigned char *)s, n);
	if (k == 0) {
		sb_puts(b, REPLACEMENT);
		return 1;
	}
	sb_put(b, s, k);
	return k;
}

/* @p s with every byte that is not part of valid UTF-8 replaced by U+FFFD (for JSON). */
static void put_utf8(struct sb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;)
		i += put_utf8_one(b, s + i, n - i);
}

/* @p s escaped for inside a logfmt "...": \" \\ \n \r \t, other control characters
 * as \u00XX, bytes that are not UTF-8 as U+FFFD. */
static void put_escaped(struct sb *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c == '\n') {
			sb_puts(b, "\\n");
		} else if (c == '\r') {
			sb_puts(b, "\\r");
		} else if (c == '\t') {
			sb_puts(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			sb_puts(b, e);
		} else if (c >= 0x80) {
			i += put_utf8_one(b, s + i, n - i);
			continue;
		} else {
			sb_putc(b, (char)c);
		}
		i++;
	}
}

/* Whether a logfmt value must be quoted: it holds a blank, '=', '"', '\\', a
 * control character or a byte that is not UTF-8. (An empty value stays key=.) */
static bool needs_quotes(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f)
			return true;
		if (c >= 0x80) {
			size_t k = utf8_seq(u + i, n - i);
			if (k == 0)
				return true;
			i += k;
		} else {
			i++;
		}
	}
	return false;
}

/* A logfmt value: as it is, or quoted and escaped when it needs it. */
static void put_value(struct sb *b, const char *s, size_t n)
{
	if (!needs_quotes(s, n)) {
		sb_put(b, s, n);
		return;
	}
	sb_putc(b, '"');
	put_escaped(b, s, n);
	sb_putc(b, '"');
}

/* ------------------------------------------------------------ walking the format */

enum pty {
	P_LIT,   /* literal text of the format */
	P_STR,   /* %s, and %c %x %o %p %m: a string */
	P_INT,   /* %d %i */
	P_UINT,  /* %u */
	P_REAL,  /* %f %e %g %a */
};

struct piece {
	enum pty t;
	const char *lit; /* P_LIT: into the format */
	size_t off, n;   /* others: into conv */
	union {
		long long i;
		unsigned long long u;
		double d;
	} v;
};

struct walk {
	struct piece pc[MAX_PIECES];
	size_t npc;
	struct sb conv; /* the conversions' text */
	char conv_stack[1024];
	size_t total;   /* text bytes so far (cut at TEXT_MAX) */
	bool full;
};

static const char *piece_s(const struct walk *w, const struct piece *p)
{
	return p->t == P_LIT ? p->lit : w->conv.p + p->off;
}

static void add_lit(struct walk *w, const char *s, size_t n)
{
	if (w->full || n == 0)
		return;
	if (w->total + n > TEXT_MAX) {
		n = TEXT_MAX - w->total;
		w->full = true;
	}
	if (w->npc == MAX_PIECES) {
		w->full = true;
		return;
	}
	if (n == 0) /* a literal piece is never empty: the cursor reads its first byte */
		return;
	w->pc[w->npc++] = (struct piece){.t = P_LIT, .lit = s, .n = n};
	w->total += n;
}

/* Add a conversion piece of type @p t holding the text @p s (cut to what TEXT_MAX leaves). */
static struct piece *add_conv(struct walk *w, enum pty t, const char *s, size_t n)
{
	if (w->full || w->npc == MAX_PIECES) {
		w->full = true;
		return NULL;
	}
	if (w->total + n > TEXT_MAX) {
		n = TEXT_MAX - w->total;
		w->full = true;
	}
	if (!sb_room(&w->conv, n + 1)) {
		w->full = true;
		return NULL;
	}
	struct piece *p = &w->pc[w->npc++];
	*p = (struct piece){.t = t, .off = w->conv.n, .n = n};
	sb_put(&w->conv, s, n);
	sb_putc(&w->conv, '\0');
	w->total += n;
	return p;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* The text of one numeric conversion, printed with its own spec. */
#define NUM_CONV(w, t, member, spec, val)                                                        \
	do {                                                                                     \
		char tmp_[256];                                                                  \
		int k_ = snprintf(tmp_, sizeof tmp_, (spec), (val));                             \
		size_t n_ = k_ < 0 ? 0 : (size_t)k_ >= sizeof tmp_ ? sizeof tmp_ - 1 : (size_t)k_; \
		struct piece *p_ = add_conv((w), (t), tmp_, n_);                                 \
		if (p_)                                                                          \
			p_->v.member = (val);                                                    \
	} while (0)

/* Split @p fmt into literal pieces and the text of each conversion, consuming
 * @p ap as vprintf does. -1 for what this walker does not take (positional
 * arguments, wide characters): the caller prints the whole text as one string then. */
static int walk_format(struct walk *w, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	const char *p = fmt, *lit = fmt;
	while (*p && !w->full) {
		if (*p != '%') {
			p++;
			continue;
		}
		add_lit(w, lit, (size_t)(p - lit));
		if (p[1] == '%') {
			add_lit(w, "%", 1);
			p += 2;
			lit = p;
			continue;
		}
		/* %[flags][width][.precision][length]conversion, rebuilt with the
		 * numbers of '*' filled in and the length we read the argument with. */
		const char *q = p + 1;
		char spec[64];
		size_t sn = 0;
		spec[sn++] = '%';
		for (; *q && strchr("-+ #0'", *q); q++)
			if (sn < 12)
				spec[sn++] = *q;
		int width = -1, prec = -1;
		if (*q == '*') {
			int a = va_arg(ap, int);
			if (a < 0) {
				spec[sn++] = '-';
				a = a == INT_MIN ? INT_MAX : -a;
			}
			width = a;
			q++;
		} else if (*q >= '0' && *q <= '9') {
			width = 0;
			for (; *q >= '0' && *q <= '9'; q++)
				width = width > 100000 ? width : width * 10 + (*q - '0');
		}
		if (*q == '.') {
			q++;
			if (*q == '*') {
				int a = va_arg(ap, int);
				prec = a < 0 ? -1 : a;
				q++;
			} else {
				prec = 0;
				for (; *q >= '0' && *q <= '9'; q++)
					prec = prec > 100000 ? prec : prec * 10 + (*q - '0');
			}
		}
		if (*q == '$')
			return -1;
		char len = 0; /* 'H' hh, 'h', 'l', 'q' ll, 'j', 'z', 't', 'L' */
		if (q[0] == 'h' && q[1] == 'h') {
			len = 'H';
			q += 2;
		} else if (q[0] == 'l' && q[1] == 'l') {
			len = 'q';
			q += 2;
		} else if (*q && strchr("hljztLq", *q)) {
			len = *q;
			q++;
		}
		char c = *q;
		if (c == '\0')
			return -1;
		q++;
		if (c != 's') { /* numbers: no use for a width beyond a line */
			if (width > 200)
				width = 200;
			if (prec > 200)
				prec = 200;
		}
		if (width >= 0)
			sn += (size_t)snprintf(spec + sn, sizeof spec - sn, "%d", width);
		if (prec >= 0)
			sn += (size_t)snprintf(spec + sn, sizeof spec - sn, ".%d", prec);
		switch (c) {
		case 'd':
		case 'i': {
			long long v;
			switch (len) {
			case 0: v = va_arg(ap, int); break;
			case 'H': v = (signed char)va_arg(ap, int); break;
			case 'h': v = (short)va_arg(ap, int); break;
			case 'l': v = va_arg(ap, long); break;
			case 'q': v = va_arg(ap, long long); break;
			case 'j': v = va_arg(ap, intmax_t); break;
			case 'z': v = va_arg(ap, ssize_t); break;
			case 't': v = va_arg(ap, ptrdiff_t); break;
			default: return -1;
			}
			memcpy(spec + sn, "lld", 4);
			NUM_CONV(w, P_INT, i, spec, v);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;
			switch (len) {
			case 0: v = va_arg(ap, unsigned); break;
			case 'H': v = (unsigned char)va_arg(ap, unsigned); break;
			case 'h': v = (unsigned short)va_arg(ap, unsigned); break;
			case 'l': v = va_arg(ap, unsigned long); break;
			case 'q': v = va_arg(ap, unsigned long long); break;
			case 'j': v = va_arg(ap, uintmax_t); break;
			case 'z': v = va_arg(ap, size_t); break;
			case 't': v = (unsigned long long)va_arg(ap, ptrdiff_t); break;
			default: return -1;
			}
			spec[sn] = 'l';
			spec[sn + 1] = 'l';
			spec[sn + 2] = c;
			spec[sn + 3] = '\0';
			if (c == 'u')
				NUM_CONV(w, P_UINT, u, spec, v);
			else
				NUM_CONV(w, P_STR, u, spec, v);
			break;
		}
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
			double v = len == 'L' ? (double)va_arg(ap, long double) : va_arg(ap, double);
			spec[sn] = c;
			spec[sn + 1] = '\0';
			NUM_CONV(w, P_REAL, d, spec, v);
			break;
		}
		case 'c': {
			if (len)
				return -1;
			int v = va_arg(ap, int);
			spec[sn] = 'c';
			spec[sn + 1] = '\0';
			NUM_CONV(w, P_STR, i, spec, v);
			break;
		}
		case 'p': {
			void *v = va_arg(ap, void *);
			spec[sn] = 'p';
			spec[sn + 1] = '\0';
			char tmp[256];
			int k = snprintf(tmp, sizeof tmp, spec, v);
			add_conv(w, P_STR, tmp, k < 0 ? 0 : (size_t)k >= sizeof tmp ? sizeof tmp - 1 : (size_t)k);
			break;
		}
		case 'm': {
			char tmp[512];
			spec[sn] = 'm';
			spec[sn + 1] = '\0';
			errno = saved_errno;
			int k = snprintf(tmp, sizeof tmp, spec, 0);
			add_conv(w, P_STR, tmp, k < 0 ? 0 : (size_t)k >= sizeof tmp ? sizeof tmp - 1 : (size_t)k);
			break;
		}
		case 's': {
			if (len)
				return -1;
			const char *v = va_arg(ap, const char *);
			if (v == NULL)
				v = "(null)";
			if (sn == 1) { /* plain %s: the string itself */
				add_conv(w, P_STR, v, strlen(v));
				break;
			}
			spec[sn] = 's';
			spec[sn + 1] = '\0';
			char *t = NULL;
			int k = asprintf(&t, spec, v);
			if (k < 0 || t == NULL)
				return -1;
			add_conv(w, P_STR, t, (size_t)k);
			free(t);
			break;
		}
		case 'n':
			(void)va_arg(ap, void *); /* never written through */
			break;
		default:
			return -1;
		}
		lit = p = q;
	}
	if (!w->full)
		add_lit(w, lit, strlen(lit));
	errno = saved_errno;
	return 0;
}
#pragma GCC diagnostic pop

/* ------------------------------------------------------------ fields */

enum fty { F_STR, F_INT, F_UINT, F_REAL, F_BOOL };

struct field {
	const char *key;
	size_t klen;
	size_t voff, vlen; /* into vals */
	enum fty t;
	union {
		long long i;
		unsigned long long u;
		double d;
		bool b;
	} v;
};

struct parsed {
	struct walk w;
	struct sb text; /* the plain text (what vsnprintf would have printed) */
	struct sb lf;   /* the text with its values quoted and escaped for logfmt */
	struct sb freet; /* the text outside the fields */
	struct sb vals;  /* the fields' values, unescaped */
	char text_stack[1024], lf_stack[1024], free_stack[512], vals_stack[1024];
	struct field f[MAX_FIELDS];
	size_t nf;
};

static bool key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool key_char(char c)
{
	return key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* A cursor over the pieces: piece i, byte j of it. */
struct cur {
	size_t i, j;
};

static bool at_end(const struct parsed *P, const struct cur *c) { return c->i >= P->w.npc; }

static bool at_lit(const struct parsed *P, const struct cur *c, char ch)
{
	return !at_end(P, c) && P->w.pc[c->i].t == P_LIT && P->w.pc[c->i].lit[c->j] == ch;
}

static void advance(const struct parsed *P, struct cur *c, size_t by)
{
	c->j += by;
	if (c->j >= P->w.pc[c->i].n) {
		c->i++;
		c->j = 0;
	}
}

static bool literal_number(const char *s, size_t n, long long *out)
{
	if (n == 0 || n > 18)
		return false;
	size_t i = s[0] == '-' ? 1 : 0;
	if (i == n)
		return false;
	long long v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = s[0] == '-' ? -v : v;
	return true;
}

/* The value after "key=" at @p c: a "quoted" part (up to the format's next literal
 * quote), else everything up to the next literal blank, less trailing ",;:)". */
static void parse_value(struct parsed *P, struct cur *c, struct field *f)
{
	const struct walk *w = &P->w;
	f->voff = P->vals.n;
	f->t = F_STR;
	if (at_lit(P, c, '"')) {
		sb_putc(&P->text, '"');
		sb_putc(&P->lf, '"');
		advance(P, c, 1);
		bool closed = false;
		while (!at_end(P, c)) {
			const struct piece *p = &w->pc[c->i];
			const char *s = piece_s(w, p) + c->j;
			if (p->t != P_LIT) {
				sb_put(&P->text, s, p->n);
				sb_put(&P->vals, s, p->n);
				put_escaped(&P->lf, s, p->n);
				advance(P, c, p->n);
				continue;
			}
			size_t k = 0;
			while (c->j + k < p->n && s[k] != '"')
				k++;
			sb_put(&P->text, s, k);
			sb_put(&P->vals, s, k);
			put_escaped(&P->lf, s, k);
			if (c->j + k < p->n) { /* the closing quote */
				sb_putc(&P->text, '"');
				sb_putc(&P->lf, '"');
				advance(P, c, k + 1);
				closed = true;
				break;
			}
			advance(P, c, k);
		}
		if (!closed) /* the text was cut inside the value (or the format forgot it) */
			sb_putc(&P->lf, '"');
		f->vlen = P->vals.n - f->voff;
		sb_putc(&P->vals, '\0');
		return;
	}
	size_t nconv = 0, nlit = 0, tail = 0;
	const struct piece *only = NULL;
	while (!at_end(P, c) && !at_lit(P, c, ' ')) {
		const struct piece *p = &w->pc[c->i];
		const char *s = piece_s(w, p) + c->j;
		if (p->t != P_LIT) {
			sb_put(&P->vals, s, p->n);
			nconv++;
			only = p;
			tail = 0;
			advance(P, c, p->n);
			continue;
		}
		size_t k = 0;
		while (c->j + k < p->n && s[k] != ' ') {
			tail = strchr(",;:)", s[k]) ? tail + 1 : 0;
			k++;
		}
		sb_put(&P->vals, s, k);
		nlit += k;
		advance(P, c, k);
	}
	nlit -= tail;
	size_t all = P->vals.n - f->voff;
	f->vlen = all - tail;
	const char *v = P->vals.p + f->voff;
	sb_put(&P->text, v, all);
	put_value(&P->lf, v, f->vlen);
	sb_put(&P->lf, v + f->vlen, tail);
	sb_put(&P->freet, v + f->vlen, tail);
	if (nconv == 1 && nlit == 0) {
		if (only->t == P_INT)
			f->t = F_INT, f->v.i = only->v.i;
		else if (only->t == P_UINT)
			f->t = F_UINT, f->v.u = only->v.u;
		else if (only->t == P_REAL)
			f->t = F_REAL, f->v.d = only->v.d;
	} else if (nconv == 0) {
		if (literal_number(v, f->vlen, &f->v.i))
			f->t = F_INT;
		else if (f->vlen == 4 && memcmp(v, "true", 4) == 0)
			f->t = F_BOOL, f->v.b = true;
		else if (f->vlen == 5 && memcmp(v, "false", 5) == 0)
			f->t = F_BOOL, f->v.b = false;
	}
	/* vals keeps the tail bytes too; the field's own value ends at vlen */
	sb_putc(&P->vals, '\0');
}

/* Sort the walked pieces into text, logfmt text, free text and fields. */
static void parse_fields(struct parsed *P)
{
	const struct walk *w = &P->w;
	struct cur c = {0, 0};
	bool boundary = true;
	while (!at_end(P, &c)) {
		const struct piece *p = &w->pc[c.i];
		const char *s = piece_s(w, p) + c.j;
		if (p->t != P_LIT) {
			sb_put(&P->text, s, p->n);
			sb_put(&P->freet, s, p->n);
			put_value(&P->lf, s, p->n);
			boundary = false;
			advance(P, &c, p->n);
			continue;
		}
		if (boundary && key_start(*s)) {
			size_t k = 1;
			while (c.j + k < p->n && key_char(s[k]))
				k++;
			if (c.j + k < p->n && s[k] == '=' && k <= 64 && P->nf < MAX_FIELDS) {
				struct field *f = &P->f[P->nf++];
				f->key = s;
				f->klen = k;
				sb_put(&P->text, s, k + 1);
				sb_put(&P->lf, s, k + 1);
				advance(P, &c, k + 1);
				parse_value(P, &c, f);
				boundary = false;
				continue;
			}
		}
		sb_putc(&P->text, *s);
		sb_putc(&P->freet, *s);
		sb_putc(&P->lf, *s);
		boundary = *s == ' ' || *s == '(';
		advance(P, &c, 1);
	}
}

static void parsed_init(struct parsed *P)
{
	P->w.npc = 0;
	P->w.total = 0;
	P->w.full = false;
	P->nf = 0;
	sb_init(&P->w.conv, P->w.conv_stack, sizeof P->w.conv_stack);
	sb_init(&P->text, P->text_stack, sizeof P->text_stack);
	sb_init(&P->lf, P->lf_stack, sizeof P->lf_stack);
	sb_init(&P->freet, P->free_stack, sizeof P->free_stack);
	sb_init(&P->vals, P->vals_stack, sizeof P->vals_stack);
}

static void parsed_free(struct parsed *P)
{
	sb_free(&P->w.conv);
	sb_free(&P->text);
	sb_free(&P->lf);
	sb_free(&P->freet);
	sb_free(&P->vals);
}

static void parse(struct parsed *P, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	if (walk_format(&P->w, fmt, ap) != 0) {
		/* A format the walker does not take: the whole text as one string. */
		char *t = NULL;
		int k = vasprintf(&t, fmt, copy);
		P->w.npc = 0;
		P->w.total = 0;
		P->w.full = false;
		P->w.conv.n = 0;
		if (k >= 0 && t)
			add_conv(&P->w, P_STR, t, (size_t)k);
		free(t);
	}
	va_end(copy);
	parse_fields(P);
}

/* ------------------------------------------------------------ the two formats */

static void put_header_lf(struct sb *b, const char *ts, enum coffer_log_level level,
                          const char *plugin, const struct log_ctx *ctx)
{
	sb_puts(b, "time=");
	sb_puts(b, ts);
	sb_puts(b, " level=");
	sb_puts(b, names[level]);
	sb_puts(b, " plugin=");
	put_value(b, plugin, strlen(plugin));
	if (ctx != NULL) {
		if (ctx->tenant && *ctx->tenant) {
			sb_puts(b, " tenant=");
			put_value(b, ctx->tenant, strlen(ctx->tenant));
		}
		if (ctx->topic) {
			char num[64];
			sb_puts(b, " topic=");
			put_value(b, ctx->topic, strlen(ctx->topic));
			snprintf(num, sizeof num, " partition=%d offset=%lld", (int)ctx->partition,
			         (long long)ctx->offset);
			sb_puts(b, num);
		}
	}
}

static json_t *jstr(const char *s, size_t n)
{
	char stack[512];
	struct sb b;
	sb_init(&b, stack, sizeof stack);
	put_utf8(&b, s, n);
	json_t *j = b.bad ? json_string("?") : json_stringn(b.p, b.n);
	sb_free(&b);
	return j;
}

static json_t *field_json(const struct parsed *P, const struct field *f)
{
	switch (f->t) {
	case F_INT: return json_integer(f->v.i);
	case F_UINT:
		if (f->v.u <= (unsigned long long)INT64_MAX)
			return json_integer((json_int_t)f->v.u);
		break;
	case F_REAL: {
		json_t *j = json_real(f->v.d);
		if (j)
			return j;
		break;
	}
	case F_BOOL: return json_boolean(f->v.b);
	case F_STR: break;
	}
	return jstr(P->vals.p + f->voff, f->vlen);
}

static void trim(const char **s, size_t *n)
{
	while (*n && strchr(" :;,", **s))
		(*s)++, (*n)--;
	while (*n && (*s)[*n - 1] == ' ')
		(*n)--;
}

static char *render_json(const struct parsed *P, const char *ts, enum coffer_log_level level,
                         const char *plugin, const struct log_ctx *ctx, bool fields, size_t *len)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(names[level]));
	/* msg: the text; for a line of fields its msg= field, else the text between the
	 * fields, else the event's name. */
	const struct field *msgf = NULL, *event = NULL;
	for (size_t i = 0; i < P->nf; i++) {
		if (P->f[i].klen == 3 && memcmp(P->f[i].key, "msg", 3) == 0)
			msgf = &P->f[i];
		if (P->f[i].klen == 5 && memcmp(P->f[i].key, "event", 5) == 0 && !event)
			event = &P->f[i];
	}
	const char *ft = P->freet.p;
	size_t fn = P->freet.n;
	trim(&ft, &fn);
	if (!fields)
		json_object_set_new(o, "msg", jstr(P->text.p, P->text.n));
	else if (msgf)
		json_object_set_new(o, "msg", jstr(P->vals.p + msgf->voff, msgf->vlen));
	else if (fn)
		json_object_set_new(o, "msg", jstr(ft, fn));
	else if (event)
		json_object_set_new(o, "msg", jstr(P->vals.p + event->voff, event->vlen));
	else
		json_object_set_new(o, "msg", jstr(P->text.p, P->text.n));
	json_object_set_new(o, "plugin", jstr(plugin, strlen(plugin)));
	if (ctx != NULL) {
		if (ctx->tenant && *ctx->tenant)
			json_object_set_new(o, "tenant", jstr(ctx->tenant, strlen(ctx->tenant)));
		if (ctx->topic) {
			json_object_set_new(o, "topic", jstr(ctx->topic, strlen(ctx->topic)));
			json_object_set_new(o, "partition", json_integer(ctx->partition));
			json_object_set_new(o, "offset", json_integer(ctx->offset));
		}
	}
	for (size_t i = 0; i < P->nf; i++) {
		const struct field *f = &P->f[i];
		if (fields && f == msgf)
			continue;
		char key[80];
		bool reserved = (f->klen == 2 && memcmp(f->key, "ts", 2) == 0) ||
		                (f->klen == 5 && memcmp(f->key, "level", 5) == 0) ||
		                (f->klen == 3 && memcmp(f->key, "msg", 3) == 0);
		snprintf(key, sizeof key, "%s%.*s", reserved ? "field_" : "", (int)f->klen, f->key);
		json_object_set_new(o, key, field_json(P, f));
	}
	char *out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (out == NULL)
		return NULL;
	size_t n = strlen(out);
	char *line = realloc(out, n + 2);
	if (line == NULL) {
		free(out);
		return NULL;
	}
	line[n++] = '\n';
	line[n] = '\0';
	*len = n;
	return line;
}

static char *render_logfmt(const struct parsed *P, const char *ts, enum coffer_log_level level,
                           const char *plugin, const struct log_ctx *ctx, bool fields, size_t *len)
{
	char stack[1024];
	struct sb b;
	sb_init(&b, stack, sizeof stack);
	put_header_lf(&b, ts, level, plugin, ctx);
	if (fields) {
		sb_putc(&b, ' ');
		sb_put(&b, P->lf.p, P->lf.n);
	} else {
		sb_puts(&b, " msg=\"");
		put_escaped(&b, P->text.p, P->text.n);
		sb_putc(&b, '"');
	}
	sb_putc(&b, '\n');
	if (b.bad) {
		sb_free(&b);
		return NULL;
	}
	char *out = b.heap ? b.p : strdup(b.p);
	*len = b.n;
	return out;
}

static char *render(enum log_format f, int64_t us, enum coffer_log_level level, const char *plugin,
                    const struct log_ctx *ctx, bool fields, size_t *len, const char *fmt, va_list ap)
{
	if ((unsigned)level > COFFER_LOG_DEBUG)
		level = COFFER_LOG_DEBUG;
	if (plugin == NULL)
		plugin = "host";
	struct parsed *P = malloc(sizeof *P);
	if (P == NULL)
		return NULL;
	parsed_init(P);
	parse(P, fmt, ap);
	fields = fields || (P->text.n >= 6 && memcmp(P->text.p, "event=", 6) == 0 && P->nf > 0);
	char ts[LOG_TIME_LEN];
	log_time(us, ts);
	char *line = NULL;
	if (!(P->text.bad || P->lf.bad || P->vals.bad || P->freet.bad || P->w.conv.bad)) {
		if (f == LOG_FORMAT_JSON)
			line = render_json(P, ts, level, plugin, ctx, fields, len);
		else
			line = render_logfmt(P, ts, level, plugin, ctx, fields, len);
	}
	parsed_free(P);
	free(P);
	return line;
}

char *log_render(enum log_format f, int64_t us, enum coffer_log_level level, const char *plugin,
                 const struct log_ctx *ctx, bool fields, size_t *len, const char *fmt, va_list ap)
{
	return render(f, us, level, plugin, ctx, fields, len, fmt, ap);
}

static void write_all(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void emit(enum coffer_log_level level, const char *plugin, const struct log_ctx *ctx,
                 bool fields, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = 0;
	enum log_format f = log_get_format();
	char *line = render(f, cu_now_us(), level, plugin, ctx, fields, &n, fmt, ap);
	if (line != NULL) {
		write_all(line, n);
		free(line);
	} else {
		static const char oom_lf[] = "level=error plugin=host msg=\"a log line was lost: out of memory\"\n";
		static const char oom_js[] = "{\"level\":\"error\",\"plugin\":\"host\",\"msg\":\"a log line was lost: out of memory\"}\n";
		if (f == LOG_FORMAT_JSON)
			write_all(oom_js, sizeof oom_js - 1);
		else
			write_all(oom_lf, sizeof oom_lf - 1);
	}
	errno = saved;
}

void log_vline(enum coffer_log_level level, const char *plugin, const char *fmt, va_list ap)
{
	if ((int)level > atomic_load_explicit(&level_max, memory_order_relaxed))
		return;
	emit(level, plugin, cur, false, fmt, ap);
}

void log_line(enum coffer_log_level level, const char *plugin, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, plugin, fmt, ap);
	va_end(ap);
}

static void kafka_line(enum coffer_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void kafka_line(enum coffer_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(level, "host", NULL, true, fmt, ap);
	va_end(ap);
}

void log_kafka_cb(const struct rd_kafka_s *rk, int level, const char *fac, const char *buf)
{
	enum coffer_log_level l = log_level_of_syslog(level);
	if ((int)l > atomic_load_explicit(&level_max, memory_order_relaxed))
		return;
	/* No message context: this runs on librdkafka's threads, or on ours doing
	 * something else than the message they hold. */
	kafka_line(l, "component=librdkafka fac=%s client=%s msg=\"%s\"", fac ? fac : "",
	           rk ? rd_kafka_name(rk) : "", buf ? buf : "");
}
