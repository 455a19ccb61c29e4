/*
 * The list page token: an opaque base64url form of the position key
 * (startedAt, sandboxID) of the last sandbox of a page. A position, not an
 * offset, so creates and deletes between pages never shift it.
 */
#ifndef SD_TOKEN_H
#define SD_TOKEN_H

#include <stdint.h>

#include "sandboxd/private/sandbox.h"

/* A malloc'd token for the position. */
char *sd_token_encode(int64_t started_at, const char *id);
/* 0 and the position, or -1 when text is not a token of ours. */
int sd_token_decode(const char *text, int64_t *started_at, char id[SD_ID_MAX]);

#endif
