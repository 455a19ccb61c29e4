/* One ADDR:PORT rule for every listener (--listen, --listen-metrics). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/address.h"
#include "harness.h"

static int parse(const char *text, struct sockaddr_storage *addr, sc_diag *diag)
{
	socklen_t len;
	return sc_address_parse(addr, &len, text, "--listen", diag);
}

TEST(named_addresses_are_taken)
{
	struct sockaddr_storage addr;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(parse("127.0.0.1:0", &addr, &diag), 0);
	CHECK_INT(addr.ss_family, AF_INET);
	CHECK_INT(parse("0.0.0.0:9090", &addr, &diag), 0);
	CHECK_INT(ntohs(((struct sockaddr_in *)&addr)->sin_port), 9090);
	CHECK_INT(parse("[::1]:65535", &addr, &diag), 0);
	CHECK_INT(addr.ss_family, AF_INET6);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
}

TEST(an_unnamed_or_malformed_address_is_refused_naming_the_option)
{
	const char *bad[] = {":9090", "nonsense", "127.0.0.1:", "127.0.0.1:65536",
	                     "127.0.0.1:9x", "[::1]9090", "[]:80", "::1:80", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sockaddr_storage addr;
		sc_diag diag = SC_DIAG_INIT;
		if (parse(bad[i], &addr, &diag) != -1)
			TEST_FAILURE("\"%s\" was taken", bad[i]);
		else
			CHECK_CONTAINS(diag.entries[0].message, "--listen: must be ADDR:PORT");
		sc_diag_release(&diag);
	}
}

int main(void)
{
	RUN(named_addresses_are_taken);
	RUN(an_unnamed_or_malformed_address_is_refused_naming_the_option);
	return test_summary();
}
