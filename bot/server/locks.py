"""Rasa's Redis lock store, made safe for several Rasa instances.

Rasa 3.6's RedisLockStore updates a conversation's ticket lock with get, modify, set. When
two instances receive messages of one conversation at the same moment, both can read the
same lock and issue the same ticket number: both turns then run at once and one of them is
lost from the tracker (tests/test_topology.py caught it). Here each update of a lock (issue
a ticket, drop expired tickets, release a ticket) is one Lua script, which Redis runs
atomically: one round trip instead of four to six. Waiting for a ticket is unchanged (Rasa
polls the lock), and the stored lock keeps Rasa's format, so Rasa's own reads still work.

endpoints.production.yml: `type: bot.server.locks.AtomicRedisLockStore` with the keys of Rasa's
`type: redis` lock store.
"""

from __future__ import annotations

import time

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Shared by the scripts below. A lock is stored as Rasa's TicketLock.dumps() writes it:
# {"conversation_id": ..., "tickets": ["{\"number\": 0, \"expires\": 1.5}", ...]}.
# KEYS[1] is the lock's key, ARGV[1] the conversation id, ARGV[2] the client's time (Rasa
# compares expiry times with the clock of the instance that reads them).
_LUA_COMMON = """
local function live_tickets(now)
  local tickets, raw = {}, redis.call('GET', KEYS[1])
  if raw then
    for _, encoded in ipairs(cjson.decode(raw).tickets or {}) do
      local ticket = cjson.decode(encoded)
      if ticket.expires >= now then
        table.insert(tickets, {number = ticket.number, encoded = encoded})
      end
    end
  end
  return tickets
end

local function save(tickets)
  local encoded = {}
  for index, ticket in ipairs(tickets) do encoded[index] = cjson.encode(ticket.encoded) end
  redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(ARGV[1])
    .. ', "tickets": [' .. table.concat(encoded, ', ') .. ']}')
end

local tickets = live_tickets(tonumber(ARGV[2]))
"""

# ARGV[3]: the new ticket's expiry time, as Python writes it (full precision).
_ISSUE_TICKET = (
    _LUA_COMMON
    + """
local number = 0
if #tickets > 0 then number = tickets[#tickets].number + 1 end
table.insert(tickets, {number = number,
  encoded = '{"number": ' .. string.format('%d', number) .. ', "expires": ' .. ARGV[3] .. '}'})
save(tickets)
return number
"""
)

_REMOVE_EXPIRED = (
    _LUA_COMMON
    + """
if redis.call('EXISTS', KEYS[1]) == 1 then save(tickets) end
"""
)

# ARGV[3]: the number of the ticket to release. The lock is deleted once nobody waits.
_RELEASE_TICKET = (
    _LUA_COMMON
    + """
local waiting = {}
for _, ticket in ipairs(tickets) do
  if ticket.number ~= tonumber(ARGV[3]) then table.insert(waiting, ticket) end
end
if #waiting > 0 then save(waiting) else redis.call('DEL', KEYS[1]) end
"""
)


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket bookkeeping is atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a custom lock store from its endpoint configuration only.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)
        self._issue_ticket = self.red.register_script(_ISSUE_TICKET)
        self._remove_expired = self.red.register_script(_REMOVE_EXPIRED)
        self._release_ticket = self.red.register_script(_RELEASE_TICKET)

    def _run(self, script, conversation_id: str, *args: object):
        return script(
            keys=[self.key_prefix + conversation_id],
            args=[conversation_id, repr(time.time()), *args],
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return int(
            self._run(self._issue_ticket, conversation_id, repr(time.time() + lock_lifetime))
        )

    def update_lock(self, conversation_id: str) -> None:
        self._run(self._remove_expired, conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Releasing the ticket and deleting an unused lock are one step: a ticket issued in
        # between by another instance must not be deleted with the lock.
        self._run(self._release_ticket, conversation_id, ticket_number)
