/** Open a client against any endpoint: the one place that knows every driver's client. */
import type { BenchClient, ConnectOptions, Endpoint } from './driver.ts';
import { connectMqtt } from './mqtt-client.ts';
import { connectParley } from './parley.ts';
import { connectXmpp } from './xmpp-client.ts';

export function connectClient(ep: Endpoint, user: string, opts: ConnectOptions = {}): Promise<BenchClient> {
  switch (ep.kind) {
    case 'parley':
      return connectParley(ep, user, opts);
    case 'mqtt':
      return connectMqtt(ep, user, opts);
    case 'xmpp':
      return connectXmpp(ep, user, opts);
  }
}
