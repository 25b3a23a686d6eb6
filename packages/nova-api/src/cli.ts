#!/usr/bin/env node
// `novakit`: the deployer's command. Subcommands arrive with their modules.
process.stderr.write("novakit: no command yet\n");
process.exitCode = 2;
