/*
 * Listening addresses as the options give them: "ADDR:PORT", with an IPv6
 * ADDR in brackets ("[::1]:9090"). The address is always named: ":9090"
 * is refused, so that listening on every interface is never an accident
 * ("0.0.0.0:9090" says it). PORT is 0..65535 (0 picks a free one).
 */
#ifndef SC_COMMON_ADDRESS_H
#define SC_COMMON_ADDRESS_H

#include <sys/socket.h>

#include "common/diag.h"

/*
 * Resolves text into *out (numeric port, passive); option names the
 * option in the error ("--listen"). Returns 0, or -1 with the error in diag.
 */
int sc_address_parse(struct sockaddr_storage *out, socklen_t *out_len, const char *text,
                     const char *option, sc_diag *diag);

#endif
