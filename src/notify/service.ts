import type { Plan } from '../plan/plan.js';
import type { Db, Store, Trx } from '../store/db.js';
import { AckLinks } from './ack-links.js';
import { channelsFromConfig, closeChannels } from './channels/index.js';
import type { ChannelName, Channels, Delivery } from './channels/channel.js';
import { Dispatcher, type DispatcherLog, type DispatcherOptions } from './dispatcher.js';
import type { NotifyConfig } from './notify.config.js';
import { Notifier } from './notifier.js';

/** The notification layer as the server and the routes use it. */
export interface NotifyService {
  dispatcher: Dispatcher;
  /** Writes the outbox in the processors' transactions (their flush hook). */
  notifier: Notifier;
  /** Signs acknowledgement links; null when no link key is configured. */
  links: AckLinks | null;
  channels: Channels;
  /** The public base URL links point at; null when not known. */
  publicUrl: () => string | null;
  /** Starts delivering in the background, looking at the outbox after every commit that may have enqueued messages. */
  start(): Promise<void>;
  /** Stops delivering (sends in flight finish) and closes the channels. */
  stop(): Promise<void>;
}

export interface NotifyServiceOptions {
  store: Store;
  plans: { byDigest(digest: string, db?: Db | Trx): Promise<Plan> };
  config: NotifyConfig;
  /** The public base URL for links, when known only once the server listens. */
  publicUrl?: () => string | null;
  clock?: () => number;
  log?: DispatcherLog;
  /** Replaces the configured channels (tests). */
  channels?: Channels;
  onInApp?: (message: Delivery) => void;
  dispatcher?: Partial<Pick<DispatcherOptions, 'pollMs' | 'leaseMs' | 'concurrency' | 'graceMs' | 'random'>>;
}

/** Builds the channels, the dispatcher, the link signer and the notifier from the configuration. */
export function notifyService(opts: NotifyServiceOptions): NotifyService {
  const { store, config } = opts;
  const clock = opts.clock ?? Date.now;
  const channels = opts.channels ?? channelsFromConfig(config, opts.onInApp);
  const links = config.linkKey ? new AckLinks(config.linkKey, clock) : null;
  const dispatcher = new Dispatcher({ store, channels, retry: config.retry, clock, ...(opts.log ? { log: opts.log } : {}), ...opts.dispatcher });
  const publicUrl = opts.publicUrl ?? (() => config.publicUrl ?? null);
  const notifier = new Notifier({ plans: opts.plans, channels: new Set(Object.keys(channels) as ChannelName[]), links, publicUrl, clock });
  let unlisten: (() => Promise<void>) | null = null;
  return {
    dispatcher,
    notifier,
    links,
    channels,
    publicUrl,
    async start() {
      dispatcher.start();
      // SQLite has one writer, this process: a commit that enqueued nothing has nothing to
      // deliver, so the outbox is not asked (the commits of a busy server are many). A commit
      // seen through PostgreSQL's LISTEN may be another process's: it is always looked at.
      unlisten ??= await store.listen(() => {
        if (store.dialect !== 'sqlite' || notifier.takeEnqueued()) dispatcher.wake();
      });
    },
    async stop() {
      await unlisten?.();
      unlisten = null;
      await dispatcher.stop();
      await closeChannels(channels);
    },
  };
}
