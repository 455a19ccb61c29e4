/*
 * The answer shape of the routes the SDKs call beyond the page
 * (heartbeat, the /admin routes): {"code":0,"message":"ok","data":{…},"request_id":"…"}.
 * Their errors are the usual error body, whose "code" is the HTTP status
 * (never 0): {"code":404,"message":"…","error":{…},"request_id":"…"}.
 */
#ifndef SD_WRAPPED_H
#define SD_WRAPPED_H

#include "sandboxd/private/http.h"

/* Status 200 and the body up to "data": the caller writes the data object next. */
void sd_wrapped_begin(sd_response *response);
/* Closes the body with the request id. */
void sd_wrapped_end(sd_response *response);

#endif
