#include "cli/cli.h"

int main(int argc, char **argv)
{
	return sc_cli_main(argc, argv);
}
