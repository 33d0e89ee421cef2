/* SPDX-License-Identifier: MIT */
/* contrib/examples/hello/hello.c: the smallest coffer plugin, built out of tree against
 * the installed headers:
 *   cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags coffer jansson) hello.c -o hello.so
 *   cofferd --plugin-dir hello.so --list-plugins
 * (tests/integration/hello_example.sh builds it so). It handles one Kafka message
 * type (PING on COMMAND_TOPIC_HELLO: a PONG on EVENT_TOPIC_HELLO_STATUS) and answers
 * one HTTP route:
 *   curl -H 'TENANT_ID: <uuid>' -H 'REGION: GMS' -H 'MAJOR_VERSION: 83' \
 *        -H 'MINOR_VERSION: 1' http://127.0.0.1:8080/api/hello/world
 *   {"hello":"world"} */
#include <coffer/plugin.h>

static const struct coffer_host *host;

static enum coffer_outcome hello_on_ping(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud)
{
	json_t *ev = json_pack("{s:s}", "type", "PONG");
	return host->emit(txn, NULL, "EVENT_TOPIC_HELLO_STATUS", 0, ev) ? COFFER_RETRY : COFFER_DONE;
}

static enum coffer_outcome hello_get(coffer_ctx *ctx, coffer_txn *txn,
                                     const struct coffer_http_req *req,
                                     struct coffer_http_resp *resp, void *ud)
{
	resp->body = json_pack("{s:s}", "hello", coffer_http_var(req, "name"));
	return resp->body ? COFFER_DONE : COFFER_RETRY;
}

static int hello_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	host = h;
	int rc = host->on_message(ctx, "COMMAND_TOPIC_HELLO", "PING", hello_on_ping, NULL);
	/* ABI 1.1 entries: a host that predates them has none (built with
	 * -DCOFFER_PLUGIN_ABI_MINOR=0 this plugin also loads into a 1.0 host, without
	 * its route; there the embedded Kafka does not know EVENT_TOPIC_HELLO_STATUS). */
	if (rc == 0 && COFFER_HOST_HAS(host, emits))
		rc = host->emits(ctx, "EVENT_TOPIC_HELLO_STATUS");
	if (rc == 0 && COFFER_HOST_HAS(host, on_http))
		rc = host->on_http(ctx, "GET", "/api/hello/{name}", hello_get, NULL);
	return rc;
}

COFFER_PLUGIN(.name = "hello", .version = "1.0.0", .init = hello_init);
