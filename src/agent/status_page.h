/*
 * The agent's status page: the HTML served at GET / and the
 * Content-Security-Policy it must be served with. The page draws itself
 * from GET /api/status (agent/status.h).
 *
 * Ownership: both strings are static; they live as long as the process.
 */
#ifndef SC_AGENT_STATUS_PAGE_H
#define SC_AGENT_STATUS_PAGE_H

/* The page, one self-contained HTML document. */
const char *sc_agent_status_page_html(void);
/* The Content-Security-Policy header value for it. */
const char *sc_agent_status_page_csp(void);

#endif
