import { InProcessBus } from "../src/rpc/in-process-bus.js";
import { transportSuite } from "./transport-suite.js";

transportSuite("in-process bus", async () => new InProcessBus());
