/*
 * A real browser for tests: headless Chromium (Debian's chromium package,
 * which scripts/install-deps installs) driven through the DevTools
 * protocol on a pipe (--remote-debugging-pipe: JSON messages ended by a
 * NUL on file descriptors 3 and 4), so no WebSocket, no port and no
 * package beyond the browser. A test opens a page, waits for what a user
 * would see, reads it with JavaScript, answers chosen requests itself and
 * takes screenshots.
 *
 * Ownership: test_browser_start() returns a browser the caller frees with
 * test_browser_free(), which closes it and ends its process group (the
 * browser and its helpers, nothing else). Strings returned are malloc'd.
 */
#ifndef SC_TEST_BROWSER_H
#define SC_TEST_BROWSER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct test_browser test_browser;

/*
 * The browser to run: $SC_TEST_CHROMIUM, else chromium on PATH; NULL
 * when there is none (malloc'd).
 */
char *test_browser_find(void);

/* Starts it with its profile and log under dir; NULL (why says it) on failure. */
test_browser *test_browser_start(const char *binary, const char *dir, char *why,
                                 size_t why_len);
/* Opens url in a new page of width x height CSS pixels; 0 once the load started. */
int test_browser_open(test_browser *browser, const char *url, int width, int height);
/*
 * Evaluates expression in the page (awaiting a promise): a string value
 * as it is, any other value as JSON; NULL when it threw.
 */
char *test_browser_eval(test_browser *browser, const char *expression);
/* Polls expression every 100 ms until it is true, up to timeout_ms; false then. */
bool test_browser_wait(test_browser *browser, const char *expression, int timeout_ms);
/*
 * From now on, the page's requests whose URL matches pattern (DevTools
 * wildcards: "*api/status*") get 200 with body, as content_type, from
 * the test instead of the server. Call before test_browser_open().
 */
int test_browser_answer(test_browser *browser, const char *pattern,
                        const char *content_type, const char *body);
/* Writes the page's viewport as a PNG file. */
int test_browser_screenshot(test_browser *browser, const char *path);
void test_browser_free(test_browser *browser);

#endif
