"""In-app notifications: reminders and messages to one person, shown in their inbox."""
