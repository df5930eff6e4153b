#ifndef WHICHTOK_CHTTP_H
#define WHICHTOK_CHTTP_H

#include <stddef.h>

/* One HTTP request through the system's libcurl (libcurl.so.4), which is loaded with dlopen the
   first time a request is made rather than linked: libcurl and the TLS, LDAP and Kerberos
   libraries it needs are then loaded only by the commands that go on the network (`scrape web`,
   `scrape research`), not at the start of every command.

   Redirects are not followed, no cookie is stored or sent other than the request's own `Cookie`
   header, and the answer's body is delivered decoded (gzip, deflate, br as libcurl supports). */

enum {
    WHICHTOK_HTTP_OK = 0,
    /* libcurl could not be loaded; `message` says why. */
    WHICHTOK_HTTP_UNAVAILABLE = 1,
    WHICHTOK_HTTP_INVALID_URL = 2,
    /* Nothing arrived for `stall_seconds`, or the whole request took `total_seconds`. */
    WHICHTOK_HTTP_TIMED_OUT = 3,
    /* `should_stop` said yes. */
    WHICHTOK_HTTP_STOPPED = 4,
    /* `body_part` refused a part (the body is too large). */
    WHICHTOK_HTTP_BODY_REFUSED = 5,
    /* Connection refused, name not found, TLS failure…: `message` says which. */
    WHICHTOK_HTTP_TRANSPORT = 6,
};

typedef struct whichtok_http_request {
    const char *method;
    const char *url;
    /* "Name: value" lines, sent as they are (a NULL line fails the request: out of memory). */
    const char *const *headers;
    size_t header_count;
    /* Whether the request has a body (POST), and its bytes (NULL for an empty one). */
    int has_body;
    const unsigned char *body;
    size_t body_length;
    double stall_seconds;
    double total_seconds;
    void *context;
    /* Each line of the answer's head as it arrives, without its line end (an empty line ends a
       head; a 1xx answer's head comes before the final one). Returns 0 to go on. */
    int (*header)(void *context, const char *line, size_t length);
    /* Each part of the decoded body. Returns 0 to go on, anything else to stop the request. */
    int (*body_part)(void *context, const unsigned char *bytes, size_t length);
    /* Asked about every 50 ms while the request runs; nonzero stops it. */
    int (*should_stop)(void *context);
} whichtok_http_request;

typedef struct whichtok_http_result {
    /* The final answer's status code, 0 when none arrived. */
    long status;
    /* From the start to the first byte of the answer, and to its end. */
    double head_seconds;
    double total_seconds;
    char message[256];
} whichtok_http_result;

/* Runs `request` to its end; returns one of the WHICHTOK_HTTP_ codes and fills `result`. Safe to
   call from several threads, each with its own request. */
int whichtok_http_perform(const whichtok_http_request *request, whichtok_http_result *result);

#endif
