import {
  ALLOWED_STATES,
  type CallOptions,
  type Capability,
  type ComputeDriver,
  type ConsoleOutput,
  type ConsoleOutputSpec,
  DEFAULT_CONSOLE_OUTPUT_BYTES,
  type DriverHost,
  type DriverInfo,
  DriverInternal,
  destroyEvent,
  type HostResources,
  HypervisorUnavailable,
  InstanceExists,
  type InstanceInfo,
  type InstanceSummary,
  InvalidState,
  isDriverError,
  type PowerOffSpec,
  type PowerOperation,
  type PowerState,
  type RebootSpec,
  type ResizeSpec,
  type SpawnRequest,
  transitionFor,
  Unsupported,
  validate,
} from "@novakit/driver-api";
import {
  emitLifecycle,
  PowerLedger,
  QuietWindows,
  recordOfRequest,
  SingleFlight,
  SpawnClaims,
} from "@novakit/driver-support";
import type { XenDriverConfig } from "./config.js";
import { Instances, type InstanceView } from "./instances.js";
import { removeLeftovers } from "./leftovers.js";
import { DomainPoller } from "./poller.js";
import { act, createDomain, destroyDomain, type PowerContext } from "./power-actions.js";
import { StateDir } from "./state-dir.js";
import { LocalTransport } from "./transport/local.js";
import { SshTransport } from "./transport/ssh.js";
import type { Transport } from "./transport/transport.js";
import {
  buildDomainConfig,
  type DomainConfig,
  domainName,
  type GuestBoot,
} from "./xl/domain-config.js";
import { Xl, XlCommandError } from "./xl/xl.js";
import type { XlInfo } from "./xl/xl-output.js";

/**
 * The compute driver on Xen's xl toolstack. An instance is a directory in
 * the driver's state directory in dom0, holding its xl.cfg (which carries
 * the display name, metadata, flavor, owner and image under nk_* keys),
 * and, while it runs, a domain named nk-<uuid> whose UUID is the
 * instance's. See the package's README for the mapping.
 *
 * @public
 */
export class XenDriver implements ComputeDriver {
  readonly #config: XenDriverConfig;
  readonly #host: DriverHost;
  readonly #transport: Transport;
  readonly #xl: Xl;
  readonly #state: StateDir;
  readonly #instances: Instances;
  readonly #ledger: PowerLedger;
  readonly #windows: QuietWindows;
  readonly #poller: DomainPoller;
  readonly #destroying = new SingleFlight();
  readonly #spawning = new SpawnClaims();
  /** When each instance's guest last started, for uptime; a new domain id is a new start. */
  readonly #started = new Map<string, { at: number; domid: number | undefined }>();
  #capabilities: Capability[] = [];
  #info: XlInfo | undefined;

  constructor(config: XenDriverConfig, host: DriverHost) {
    // Nothing here touches dom0: init connects (C-LOAD-6).
    this.#config = config;
    this.#host = host;
    const t = config.transport;
    this.#transport = t?.type === "ssh" ? new SshTransport(t) : new LocalTransport();
    this.#xl = new Xl(this.#transport, config.xlCommand ?? ["xl"]);
    this.#state = new StateDir(this.#transport, config.stateDir ?? "/var/lib/novakit/xen");
    this.#instances = new Instances(this.#state, this.#xl);
    this.#ledger = new PowerLedger(host);
    this.#windows = new QuietWindows(config.eventQuietMs ?? 500, () => {
      void this.#poller.pollOnce();
    });
    this.#poller = new DomainPoller({
      xl: this.#xl,
      ledger: this.#ledger,
      windows: this.#windows,
      onRow: (uuid, row) => this.#sawDomain(uuid, row?.domid),
      onError: (err) =>
        host.logger.warn("polling xl list failed", {
          error: String(err),
          where: this.#transport.description,
        }),
    });
  }

  /** Polls done so far (for the benchmark's cost of event detection). */
  get polls(): number {
    return this.#poller.polls;
  }

  async init(options: CallOptions): Promise<DriverInfo> {
    try {
      this.#info = await this.#xl.info(options.signal);
    } catch (err) {
      if (isDriverError(err)) throw err;
      throw new HypervisorUnavailable(
        `xl info failed through ${this.#transport.description}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    await this.#state.ensure();
    const removed = await removeLeftovers(this.#ctx(options), this.#instances);
    if (removed.length > 0) {
      this.#host.logger.warn("removed what an interrupted spawn or destroy left behind", {
        removed,
      });
    }
    for (const view of await this.#instances.all(options.signal)) {
      this.#ledger.set(view.uuid, view.state);
      this.#sawDomain(view.uuid, view.row?.domid);
    }
    const consoleDir = this.#config.consoleLogDir;
    const console = consoleDir !== undefined && (await this.#state.isDirectory(consoleDir));
    this.#capabilities = console ? ["console-output", "resize"] : ["resize"];
    this.#poller.start(this.#config.pollIntervalMs ?? 1000);
    return {
      hypervisorType: "Xen",
      hypervisorVersion: this.#info.xenVersion,
      capabilities: [...this.#capabilities],
    };
  }

  async close(_options: CallOptions): Promise<void> {
    await this.#poller.stop();
    this.#windows.clear();
    await this.#transport.close();
  }

  async getHostResources(options: CallOptions): Promise<HostResources> {
    const [info, views, disk] = await Promise.all([
      this.#xl.info(options.signal),
      this.#instances.all(options.signal),
      this.#state.diskGiB(),
    ]);
    let vcpus = 0;
    let memoryMiB = 0;
    for (const v of views) {
      if (v.row === undefined) continue; // stopped and suspended instances hold no CPU or RAM
      vcpus += v.config.vcpus;
      memoryMiB += v.config.memoryMiB;
    }
    return {
      hypervisorType: "Xen",
      hypervisorVersion: info.xenVersion,
      hostname: info.host,
      cpuModel: `${info.machine}${info.cpuMhz === "" ? "" : ` at ${info.cpuMhz} MHz`}`,
      vcpus: { total: info.nrCpus, used: Math.min(vcpus, info.nrCpus) },
      memoryMiB: { total: info.totalMemoryMiB, used: Math.min(memoryMiB, info.totalMemoryMiB) },
      localDiskGiB: disk,
    };
  }

  async listInstances(options: CallOptions): Promise<InstanceSummary[]> {
    const views = await this.#instances.all(options.signal);
    return views.map((v) => ({ uuid: v.uuid, powerState: v.state }));
  }

  async getInstanceInfo(uuid: string, options: CallOptions): Promise<InstanceInfo> {
    const view = await this.#instances.view(uuid, options.signal);
    let { vcpus, memoryMiB } = view.config;
    if (view.row !== undefined) {
      // What Xen holds for the running domain, from xl list -l's JSON.
      const details = await this.#xl.details(domainName(uuid), options.signal);
      if (details?.maxVcpus !== undefined) vcpus = details.maxVcpus;
      if (details?.maxMemKiB !== undefined) memoryMiB = Math.floor(details.maxMemKiB / 1024);
    }
    return this.#infoOf(view.config, view.state, vcpus, memoryMiB);
  }

  #infoOf(config: DomainConfig, state: PowerState, vcpus: number, memoryMiB: number): InstanceInfo {
    const started = this.#started.get(config.uuid);
    const up = (state === "running" || state === "paused") && started !== undefined;
    return {
      uuid: config.uuid,
      name: config.record.name,
      powerState: state,
      vcpus,
      memoryMiB,
      uptimeSeconds: up ? (Date.now() - started.at) / 1000 : 0,
      metadata: { ...config.record.metadata },
      blockDevices: [],
      interfaces: [],
    };
  }

  async spawn(request: SpawnRequest, options: CallOptions): Promise<InstanceInfo> {
    validate.spawnRequest.assert(request);
    const uuid = request.uuid;
    if (!this.#spawning.claim(uuid)) throw new InstanceExists(uuid);
    try {
      return await this.#windows.during(uuid, () => this.#spawn(request, options));
    } finally {
      this.#spawning.release(uuid);
    }
  }

  async #spawn(request: SpawnRequest, options: CallOptions): Promise<InstanceInfo> {
    const uuid = request.uuid;
    const ctx = this.#ctx(options);
    // The directory is the claim: mkdir is atomic, and one that exists is
    // an instance (or a destroy's leftover, which init removes).
    if (!(await this.#state.claim(uuid))) throw new InstanceExists(uuid);
    if ((await this.#xl.row(domainName(uuid), options.signal)) !== undefined) {
      await this.#state.discard(uuid).then((t) => t && this.#state.removeTrash(t));
      throw new InstanceExists(uuid);
    }
    const config: DomainConfig = {
      uuid,
      vcpus: request.flavor.vcpus,
      memoryMiB: request.flavor.memoryMiB,
      boot: this.#boot(),
      record: recordOfRequest(request),
    };
    try {
      // Written as spawning.cfg, created from it, and committed by renaming
      // it to domain.cfg only once the domain is seen running: a driver
      // killed before then leaves an uncommitted directory, which the next
      // one's init removes (with the domain an outliving xl create made).
      await this.#state.write(uuid, "spawning.cfg", buildDomainConfig(config));
      await createDomain(ctx, uuid, "spawning.cfg");
      const view = await this.#verify(uuid, config, "running", "spawn");
      await this.#state.rename(uuid, "spawning.cfg", "domain.cfg");
      this.#instances.remember(config);
      this.#sawDomain(uuid, view.row?.domid, true);
    } catch (err) {
      await this.#undoSpawn(ctx, uuid);
      throw err;
    }
    this.#ledger.set(uuid, "running");
    emitLifecycle(this.#host, "started", uuid, "running");
    return this.#infoOf(config, "running", config.vcpus, config.memoryMiB);
  }

  async #undoSpawn(ctx: PowerContext, uuid: string): Promise<void> {
    await destroyDomain(ctx, uuid).catch(() => {});
    const trash = await this.#state.discard(uuid).catch(() => undefined);
    if (trash !== undefined) await this.#state.removeTrash(trash).catch(() => {});
  }

  /**
   * Idempotent, and safe to call twice at once: the second waits for the
   * first. Reads the state it acts on, never a cached one.
   */
  destroy(uuid: string, options: CallOptions): Promise<void> {
    return this.#destroying.run(uuid, () =>
      this.#windows.during(uuid, () => this.#destroy(uuid, options)),
    );
  }

  async #destroy(uuid: string, options: CallOptions): Promise<void> {
    const ctx = this.#ctx(options);
    let before: PowerState | undefined;
    try {
      before = (await this.#instances.view(uuid, options.signal)).state;
    } catch (err) {
      if (!isDriverError(err, "NOVAKIT_INSTANCE_NOT_FOUND")) throw err;
      before = undefined; // nothing of ours; a leftover domain of our name is still removed
    }
    if (before === undefined && this.#spawning.has(uuid)) return;
    // The directory goes first, atomically: nothing can create the domain
    // again from it. Then the domain, under the instance's lock, so an xl
    // create still running (a spawn's, cut off) finishes before it is undone.
    const trash = await this.#state.discard(uuid);
    this.#instances.forget(uuid);
    this.#ledger.forget(uuid);
    this.#started.delete(uuid);
    if (trash !== undefined) {
      const args = ["destroy", domainName(uuid)];
      const [program, ...rest] = this.#xl.argv(args);
      await this.#state.locked(trash.path, program, rest, options.signal);
    }
    await destroyDomain(ctx, uuid);
    if (trash !== undefined) await this.#state.removeTrash(trash);
    const event = before === undefined ? null : destroyEvent(before);
    if (event !== null && before !== undefined) emitLifecycle(this.#host, event, uuid, "stopped");
  }

  reboot(uuid: string, spec: RebootSpec, options: CallOptions): Promise<void> {
    validate.rebootSpec.assert(spec);
    return this.#power(spec.type === "soft" ? "rebootSoft" : "rebootHard", "reboot", uuid, options);
  }

  powerOff(uuid: string, spec: PowerOffSpec, options: CallOptions): Promise<void> {
    validate.powerOffSpec.assert(spec);
    return this.#power("powerOff", "powerOff", uuid, options, spec.graceMs);
  }

  powerOn(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("powerOn", "powerOn", uuid, options);
  }

  pause(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("pause", "pause", uuid, options);
  }

  unpause(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("unpause", "unpause", uuid, options);
  }

  suspend(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("suspend", "suspend", uuid, options);
  }

  resume(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("resume", "resume", uuid, options);
  }

  async getConsoleOutput(
    uuid: string,
    spec: ConsoleOutputSpec,
    options: CallOptions,
  ): Promise<ConsoleOutput> {
    this.#require("console-output", "getConsoleOutput");
    validate.consoleOutputSpec.assert(spec);
    await this.#instances.view(uuid, options.signal);
    const log = `${this.#config.consoleLogDir}/guest-${domainName(uuid)}.log`;
    const { bytes, truncated } = await this.#state.tail(
      log,
      spec.maxBytes ?? DEFAULT_CONSOLE_OUTPUT_BYTES,
    );
    return { data: Buffer.from(bytes).toString("utf8"), truncated };
  }

  async resize(uuid: string, spec: ResizeSpec, options: CallOptions): Promise<void> {
    this.#require("resize", "resize");
    validate.resizeSpec.assert(spec);
    await this.#windows.during(uuid, async () => {
      const view = await this.#instances.view(uuid, options.signal);
      if (!(ALLOWED_STATES.resize as readonly string[]).includes(view.state)) {
        throw new InvalidState(uuid, "resize", view.state);
      }
      const config = { ...view.config, vcpus: spec.vcpus, memoryMiB: spec.memoryMiB };
      // A whole new file renamed over the old one: a kill leaves one or the other.
      await this.#state.write(uuid, "domain.cfg.new", buildDomainConfig(config));
      await this.#state.rename(uuid, "domain.cfg.new", "domain.cfg");
      this.#instances.remember(config);
    });
  }

  async migrateLive(): Promise<never> {
    throw new Unsupported("migrateLive", "live-migration");
  }

  /** Runs a power operation by the contract's table, checks the state it left, and reports it. */
  async #power(
    operation: PowerOperation,
    name: string,
    uuid: string,
    options: CallOptions,
    graceMs = 0,
  ): Promise<void> {
    await this.#windows.during(uuid, async () => {
      const view = await this.#instances.view(uuid, options.signal);
      const transition = transitionFor(operation, view.state);
      if (transition.kind === "invalid") throw new InvalidState(uuid, name, view.state);
      if (transition.kind === "noop") return;
      try {
        await act(this.#ctx(options), operation, view, graceMs);
      } catch (err) {
        // Another client moved the domain between the read and the act:
        // the state read back is the answer.
        if (!(err instanceof XlCommandError)) throw err;
        const now = (await this.#instances.view(uuid, options.signal)).state;
        if (now === view.state) throw new DriverInternal(err.message, { cause: err });
        this.#ledger.set(uuid, now);
        throw new InvalidState(uuid, name, now);
      }
      const after = await this.#verify(uuid, view.config, transition.to, name);
      this.#ledger.set(uuid, transition.to);
      if (transition.to === "running") this.#sawDomain(uuid, after.row?.domid, true);
      if (transition.event !== null)
        emitLifecycle(this.#host, transition.event, uuid, transition.to);
    });
  }

  /** Reads the instance back: xl's exit status alone proves nothing. */
  async #verify(uuid: string, config: DomainConfig, want: PowerState, operation: string) {
    const view: InstanceView = await this.#instances.view(uuid).catch(async (err: unknown) => {
      if (!isDriverError(err, "NOVAKIT_INSTANCE_NOT_FOUND")) throw err;
      // A spawn's directory is not committed yet: read its domain directly.
      const row = await this.#xl.row(domainName(uuid));
      return {
        uuid,
        config,
        row,
        state: row === undefined ? ("stopped" as const) : ("running" as const),
      };
    });
    if (view.state !== want) {
      throw new DriverInternal(
        `${operation} of ${uuid}: xl reported success, but the instance is ${view.state}, not ${want}`,
      );
    }
    return view;
  }

  /** Notes the domain id an instance runs as; a new one (or `fresh`) is a new boot, for uptime. */
  #sawDomain(uuid: string, domid: number | undefined, fresh = false): void {
    const known = this.#started.get(uuid);
    if (domid === undefined) {
      this.#started.delete(uuid);
      return;
    }
    if (fresh || known === undefined || known.domid !== domid) {
      this.#started.set(uuid, { at: Date.now(), domid });
    }
  }

  #boot(): GuestBoot {
    const { guestType, kernel, ramdisk, cmdline } = this.#config;
    return {
      type: guestType ?? "pvh",
      kernel,
      cmdline: cmdline ?? "console=hvc0",
      ...(ramdisk === undefined ? {} : { ramdisk }),
    };
  }

  #ctx(options: CallOptions): PowerContext {
    return {
      xl: this.#xl,
      state: this.#state,
      rebootTimeoutMs: this.#config.rebootTimeoutMs ?? 120_000,
      signal: options.signal,
    };
  }

  #require(capability: Capability, operation: string): void {
    if (!this.#capabilities.includes(capability)) throw new Unsupported(operation, capability);
  }
}
