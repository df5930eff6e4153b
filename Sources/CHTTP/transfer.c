/* See include/CHTTP.h. curl.h is included for its types and option numbers only: every libcurl
   function is looked up with dlsym, so nothing here links against libcurl. */
#include "CHTTP.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct curl_functions {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
    const char *(*multi_strerror)(CURLMcode);
};

static struct curl_functions curl;
static pthread_once_t loaded_once = PTHREAD_ONCE_INIT;
static char load_failure[200];

#define LOOK_UP(handle, field, name)                                                                 \
    do {                                                                                             \
        void *symbol = dlsym(handle, name);                                                          \
        if (symbol == NULL) {                                                                        \
            snprintf(load_failure, sizeof load_failure, "libcurl has no %s (too old?)", name);       \
            return;                                                                                  \
        }                                                                                            \
        memcpy(&curl.field, &symbol, sizeof symbol);                                                 \
    } while (0)

static void load_curl(void) {
    /* Debian's libcurl4 (OpenSSL), else its GnuTLS build; both have soname 4. */
    void *handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) handle = dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_failure, sizeof load_failure, "cannot load libcurl.so.4 (install libcurl4): %s",
                 why ? why : "not found");
        return;
    }
    LOOK_UP(handle, global_init, "curl_global_init");
    LOOK_UP(handle, easy_init, "curl_easy_init");
    LOOK_UP(handle, easy_setopt, "curl_easy_setopt");
    LOOK_UP(handle, easy_getinfo, "curl_easy_getinfo");
    LOOK_UP(handle, easy_cleanup, "curl_easy_cleanup");
    LOOK_UP(handle, easy_strerror, "curl_easy_strerror");
    LOOK_UP(handle, slist_append, "curl_slist_append");
    LOOK_UP(handle, slist_free_all, "curl_slist_free_all");
    LOOK_UP(handle, multi_init, "curl_multi_init");
    LOOK_UP(handle, multi_add_handle, "curl_multi_add_handle");
    LOOK_UP(handle, multi_remove_handle, "curl_multi_remove_handle");
    LOOK_UP(handle, multi_perform, "curl_multi_perform");
    LOOK_UP(handle, multi_poll, "curl_multi_poll");
    LOOK_UP(handle, multi_info_read, "curl_multi_info_read");
    LOOK_UP(handle, multi_cleanup, "curl_multi_cleanup");
    LOOK_UP(handle, multi_strerror, "curl_multi_strerror");
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_failure, sizeof load_failure, "libcurl could not be initialised");
        return;
    }
    load_failure[0] = '\0';
}

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* What the callbacks share with the loop. */
struct transfer {
    const whichtok_http_request *request;
    double last_progress;
    curl_off_t seen_down;
    curl_off_t seen_up;
    int body_refused;
    int header_refused;
};

static size_t on_header(char *bytes, size_t size, size_t count, void *pointer) {
    struct transfer *transfer = pointer;
    size_t length = size * count;
    transfer->last_progress = monotonic_seconds();
    size_t text = length;
    while (text > 0 && (bytes[text - 1] == '\n' || bytes[text - 1] == '\r')) text--;
    if (transfer->request->header && transfer->request->header(transfer->request->context, bytes, text) != 0) {
        transfer->header_refused = 1;
        return 0;
    }
    return length;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *pointer) {
    struct transfer *transfer = pointer;
    size_t length = size * count;
    transfer->last_progress = monotonic_seconds();
    if (transfer->request->body_part &&
        transfer->request->body_part(transfer->request->context, (const unsigned char *)bytes, length) != 0) {
        transfer->body_refused = 1;
        return 0;
    }
    return length;
}

/* Bytes going either way count as progress (an upload, then a server thinking, then the answer). */
static int on_progress(void *pointer, curl_off_t down_total, curl_off_t down_now, curl_off_t up_total,
                       curl_off_t up_now) {
    (void)down_total;
    (void)up_total;
    struct transfer *transfer = pointer;
    if (down_now != transfer->seen_down || up_now != transfer->seen_up) {
        transfer->seen_down = down_now;
        transfer->seen_up = up_now;
        transfer->last_progress = monotonic_seconds();
    }
    return 0;
}

static int fail(whichtok_http_result *result, int code, const char *message) {
    snprintf(result->message, sizeof result->message, "%s", message);
    return code;
}

int whichtok_http_perform(const whichtok_http_request *request, whichtok_http_result *result) {
    memset(result, 0, sizeof *result);
    pthread_once(&loaded_once, load_curl);
    if (load_failure[0] != '\0' || curl.easy_init == NULL) {
        return fail(result, WHICHTOK_HTTP_UNAVAILABLE, load_failure[0] ? load_failure : "libcurl is not loaded");
    }
    CURL *easy = curl.easy_init();
    CURLM *multi = curl.multi_init();
    if (easy == NULL || multi == NULL) {
        if (easy) curl.easy_cleanup(easy);
        if (multi) curl.multi_cleanup(multi);
        return fail(result, WHICHTOK_HTTP_TRANSPORT, "libcurl could not start a request");
    }
    struct transfer transfer = {.request = request, .last_progress = monotonic_seconds()};
    char error_text[CURL_ERROR_SIZE] = {0};
    struct curl_slist *headers = NULL;
    /* An empty `Expect:` keeps libcurl from sending `Expect: 100-continue` with larger bodies. */
    headers = curl.slist_append(headers, "Expect:");
    for (size_t i = 0; i < request->header_count && headers != NULL; i++) {
        struct curl_slist *longer =
            request->headers[i] != NULL ? curl.slist_append(headers, request->headers[i]) : NULL;
        if (longer == NULL) {
            curl.slist_free_all(headers);
            headers = NULL;
        } else {
            headers = longer;
        }
    }
    if (headers == NULL) {
        curl.easy_cleanup(easy);
        curl.multi_cleanup(multi);
        return fail(result, WHICHTOK_HTTP_TRANSPORT, "out of memory for the request's headers");
    }

    int problem = 0;
    problem |= curl.easy_setopt(easy, CURLOPT_URL, request->url);
    problem |= curl.easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    problem |= curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    problem |= curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    problem |= curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    problem |= curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    problem |= curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
    problem |= curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    problem |= curl.easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    problem |= curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    problem |= curl.easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    problem |= curl.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    problem |= curl.easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
    problem |= curl.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    /* Beyond a year it is no limit at all (and a larger double would not convert to a long). */
    if (request->total_seconds > 0 && request->total_seconds < 365.0 * 86400) {
        problem |= curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(request->total_seconds * 1000));
    }
    if (request->has_body) {
        problem |= curl.easy_setopt(easy, CURLOPT_POST, 1L);
        problem |= curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                                    (curl_off_t)(request->body ? request->body_length : 0));
        problem |= curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request->body ? (const char *)request->body : "");
    }
    const char *method = request->method ? request->method : "GET";
    int plain = strcmp(method, request->has_body ? "POST" : "GET") == 0;
    if (!plain) problem |= curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    if (problem != 0) {
        curl.slist_free_all(headers);
        curl.easy_cleanup(easy);
        curl.multi_cleanup(multi);
        return fail(result, WHICHTOK_HTTP_TRANSPORT, "libcurl refused an option of the request");
    }

    double start = monotonic_seconds();
    int code = WHICHTOK_HTTP_OK;
    CURLcode finished = CURLE_OK;
    int done = 0;
    if (curl.multi_add_handle(multi, easy) != CURLM_OK) {
        code = fail(result, WHICHTOK_HTTP_TRANSPORT, "libcurl could not start a request");
        done = 1;
    }
    while (!done) {
        int running = 0;
        CURLMcode step = curl.multi_perform(multi, &running);
        if (step != CURLM_OK) {
            code = fail(result, WHICHTOK_HTTP_TRANSPORT, curl.multi_strerror(step));
            break;
        }
        int queued = 0;
        CURLMsg *message;
        while ((message = curl.multi_info_read(multi, &queued)) != NULL) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
                finished = message->data.result;
                done = 1;
            }
        }
        if (done) break;
        if (request->should_stop && request->should_stop(request->context)) {
            code = WHICHTOK_HTTP_STOPPED;
            break;
        }
        if (request->stall_seconds > 0 && monotonic_seconds() - transfer.last_progress > request->stall_seconds) {
            code = WHICHTOK_HTTP_TIMED_OUT;
            break;
        }
        curl.multi_poll(multi, NULL, 0, 50, NULL);
    }
    double end = monotonic_seconds();

    if (code == WHICHTOK_HTTP_OK && finished != CURLE_OK) {
        if (transfer.body_refused) {
            code = WHICHTOK_HTTP_BODY_REFUSED;
        } else if (transfer.header_refused) {
            code = fail(result, WHICHTOK_HTTP_TRANSPORT, "the answer's head was refused");
        } else if (finished == CURLE_OPERATION_TIMEDOUT) {
            code = WHICHTOK_HTTP_TIMED_OUT;
        } else if (finished == CURLE_URL_MALFORMAT || finished == CURLE_UNSUPPORTED_PROTOCOL) {
            code = WHICHTOK_HTTP_INVALID_URL;
        } else {
            code = fail(result, WHICHTOK_HTTP_TRANSPORT, error_text[0] ? error_text : curl.easy_strerror(finished));
        }
    }
    long status = 0;
    if (curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) result->status = status;
    curl_off_t first_byte = 0;
    if (curl.easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &first_byte) == CURLE_OK && first_byte > 0) {
        result->head_seconds = (double)first_byte / 1e6;
    } else {
        result->head_seconds = end - start;
    }
    result->total_seconds = end - start;
    if (result->head_seconds > result->total_seconds) result->head_seconds = result->total_seconds;

    curl.multi_remove_handle(multi, easy);
    curl.easy_cleanup(easy);
    curl.multi_cleanup(multi);
    curl.slist_free_all(headers);
    return code;
}
