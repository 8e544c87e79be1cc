from bot.server.channels import GuardedRestInput as GuardedRestInput
from bot.server.channels import WidgetChannel as WidgetChannel
