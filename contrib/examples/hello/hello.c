/* contrib/examples/hello/hello.c: the smallest coffer plugin, built out of tree against
 * the installed headers (make; cofferd --plugin-dir . --list-plugins). */
#include <coffer/plugin.h>

static const struct coffer_host *host;

static enum coffer_outcome hello_on_ping(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud)
{
	json_t *ev = json_pack("{s:s}", "type", "PONG");
	return host->emit(txn, NULL, "EVENT_TOPIC_HELLO_STATUS", 0, ev) ? COFFER_RETRY : COFFER_DONE;
}

static int hello_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	host = h;
	return host->on_message(ctx, "COMMAND_TOPIC_HELLO", "PING", hello_on_ping, NULL);
}

COFFER_PLUGIN(.name = "hello", .version = "1.0.0", .init = hello_init);
